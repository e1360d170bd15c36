;; The engine's matrix product in WebAssembly SIMD: C[M x N] (+)= op(A)[M x K] * op(B)[K x N], every
;; operand row-major with its own leading dimension, op = identity or transpose.
;;
;; Blocked as BLIS does it: a KC x NC block of B is cut into 8-column panels, an MC x KC block of A
;; packed into 4-row panels, so each B panel (KC x 8 floats, at most 8 KiB) stays in L1 while it
;; serves every A panel. Panels of a transposed B, and the last partial panel, are packed; whole panels
;; of an untransposed B are read in place, 8 floats from each row (packing them cost as much as the
;; product for the few-row products of LeNet's first layers). The micro-kernel keeps the
;; 4 x 8 tile of C in eight f32x4 registers: per step of k it loads two vectors of B, broadcasts four
;; values of A, and does 8 multiplies and 8 adds. Tiles that overhang the matrix edge are computed whole
;; from zero-padded panels and only their inside is written.
;;
;; Memory: [0, PACK_A_END) packed A, [PACK_A_END, PACK_B_END) packed B, then a 4 x 8 edge tile; the
;; caller's operands live from $heap_base upward (the JavaScript side manages that part).
(module
  (memory (export "memory") 80)
  ;; MC = 128 rows, KC = 256, NC = 2048 columns.
  (global $MC i32 (i32.const 128))
  (global $KC i32 (i32.const 256))
  (global $NC i32 (i32.const 2048))
  (global $PACK_A i32 (i32.const 0))          ;; MC * KC * 4 = 131072 bytes
  (global $PACK_B i32 (i32.const 131072))     ;; KC * NC * 4 = 2097152 bytes
  (global $TILE i32 (i32.const 2228224))      ;; 4 * 8 * 4 = 128 bytes
  (global (export "heap_base") i32 (i32.const 2293760)) ;; 35 pages of 64 KiB

  ;; Reads four vectors of four floats, $stride bytes apart from $src (four columns of B, four rows
  ;; each), and stores them transposed as four rows at $dst, 32 bytes apart (rows of an 8-wide panel).
  (func $transpose4 (param $dst i32) (param $src i32) (param $stride i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r0 (v128.load (local.get $src)))
    (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $stride))))
    (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $stride) (i32.const 1)))))
    (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 3)))))
    ;; t0 = r0.0 r1.0 r0.1 r1.1, t1 = r0.2 r1.2 r0.3 r1.3 (t2, t3 likewise for r2, r3)
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    ;; row q = r0.q r1.q r2.q r3.q
    (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
    (v128.store offset=32 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
    (v128.store offset=64 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
    (v128.store offset=96 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))))

  ;; Packs op(B)[pc .. pc+kc, jc .. jc+nc] into 8-wide panels: panel q holds kc rows of 8 floats,
  ;; columns past nc are zero. B(p, j) lives at b + (p * rs + j * cs) * 4. Whole panels of an
  ;; untransposed B are left where they are (gemm reads them in place).
  (func $pack_b (param $b i32) (param $rs i32) (param $cs i32) (param $kc i32) (param $nc i32)
    (local $dst i32) (local $j i32) (local $p i32) (local $w i32) (local $c i32) (local $src i32)
    (local.set $dst (global.get $PACK_B))
    (local.set $j (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_s (local.get $j) (local.get $nc)))
      (local.set $w (i32.sub (local.get $nc) (local.get $j)))
      (if (i32.and (i32.eq (local.get $cs) (i32.const 1)) (i32.ge_s (local.get $w) (i32.const 8)))
        (then
          ;; a whole panel of untransposed B: the micro-kernel reads it in place (see gemm)
          (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5)))))
        (else
          (local.set $p (i32.const 0))
          (if (i32.and (i32.eq (local.get $rs) (i32.const 1)) (i32.ge_s (local.get $w) (i32.const 8)))
            (then
              ;; a whole panel of transposed B: each of its 8 columns is a contiguous run of B's storage;
              ;; four rows at a time, two 4 x 4 blocks transposed in registers
              (block $quads_done (loop $quads
                (br_if $quads_done (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                (call $transpose4 (local.get $dst)
                  (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $cs)) (local.get $p)) (i32.const 2)))
                  (i32.shl (local.get $cs) (i32.const 2)))
                (call $transpose4 (i32.add (local.get $dst) (i32.const 16))
                  (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (i32.add (local.get $j) (i32.const 4)) (local.get $cs)) (local.get $p)) (i32.const 2)))
                  (i32.shl (local.get $cs) (i32.const 2)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $quads)))))
          ;; the rest (a partial panel, or the last rows of a transposed one) one float at a time
          (block $rows_done (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $p) (local.get $kc)))
            (local.set $c (i32.const 0))
            (block $cols_done (loop $cols
              (br_if $cols_done (i32.ge_s (local.get $c) (i32.const 8)))
              (f32.store (local.get $dst)
                (if (result f32) (i32.lt_s (local.get $c) (local.get $w))
                  (then (f32.load (i32.add (local.get $b)
                    (i32.shl (i32.add (i32.mul (local.get $p) (local.get $rs))
                                      (i32.mul (i32.add (local.get $j) (local.get $c)) (local.get $cs)))
                             (i32.const 2)))))
                  (else (f32.const 0))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $cols)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rows)))))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $panels))))

  ;; Packs op(A)[ic .. ic+mc, pc .. pc+kc] into 4-row panels: panel q holds kc columns of 4 floats,
  ;; rows past mc are zero. A(i, p) lives at a + (i * rs + p * cs) * 4.
  (func $pack_a (param $a i32) (param $rs i32) (param $cs i32) (param $mc i32) (param $kc i32)
    (local $dst i32) (local $i i32) (local $p i32) (local $h i32) (local $r i32) (local $src i32)
    (local.set $dst (global.get $PACK_A))
    (local.set $i (i32.const 0))
    (block $done (loop $panels
      (br_if $done (i32.ge_s (local.get $i) (local.get $mc)))
      (local.set $h (i32.sub (local.get $mc) (local.get $i)))
      (if (i32.and (i32.eq (local.get $rs) (i32.const 1)) (i32.ge_s (local.get $h) (i32.const 4)))
        (then
          ;; transposed A: the four rows of a column are contiguous
          (local.set $src (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
          (local.set $p (local.get $kc))
          (block $cols_done (loop $cols
            (br_if $cols_done (i32.eqz (local.get $p)))
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (local.set $src (i32.add (local.get $src) (i32.shl (local.get $cs) (i32.const 2))))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $cols))))
        (else
          (local.set $p (i32.const 0))
          (block $cols_done (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $p) (local.get $kc)))
            (local.set $r (i32.const 0))
            (block $rows_done (loop $rows
              (br_if $rows_done (i32.ge_s (local.get $r) (i32.const 4)))
              (f32.store (local.get $dst)
                (if (result f32) (i32.lt_s (local.get $r) (local.get $h))
                  (then (f32.load (i32.add (local.get $a)
                    (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (local.get $r)) (local.get $rs))
                                      (i32.mul (local.get $p) (local.get $cs)))
                             (i32.const 2)))))
                  (else (f32.const 0))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $rows)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $cols)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $panels))))

  ;; One 4 x 8 tile: C[0..mr, 0..nr] (+)= panelA (kc x 4) * panelB (kc x 8), the rows of panelB $bs
  ;; bytes apart. $first: overwrite C.
  (func $micro (param $kc i32) (param $pa i32) (param $pb i32) (param $bs i32) (param $c i32) (param $ldc i32)
               (param $mr i32) (param $nr i32) (param $first i32)
    (local $b0 v128) (local $b1 v128) (local $av v128) (local $ld i32) (local $r i32) (local $q i32)
    (local $t i32) (local $cp i32) (local $v f32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (block $k_done (loop $k
      (br_if $k_done (i32.eqz (local.get $kc)))
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $av (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $av (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (local.get $bs)))
      (local.set $kc (i32.sub (local.get $kc) (i32.const 1)))
      (br $k)))
    (local.set $ld (i32.shl (local.get $ldc) (i32.const 2)))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
      (then
        (if (i32.eqz (local.get $first))
          (then
            (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $c))))
            (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $c))))
            (local.set $cp (i32.add (local.get $c) (local.get $ld)))
            (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $cp))))
            (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ld)))
            (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $cp))))
            (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $cp))))
            (local.set $cp (i32.add (local.get $cp) (local.get $ld)))
            (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $cp))))
            (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $cp))))))
        (v128.store (local.get $c) (local.get $c00))
        (v128.store offset=16 (local.get $c) (local.get $c01))
        (local.set $cp (i32.add (local.get $c) (local.get $ld)))
        (v128.store (local.get $cp) (local.get $c10))
        (v128.store offset=16 (local.get $cp) (local.get $c11))
        (local.set $cp (i32.add (local.get $cp) (local.get $ld)))
        (v128.store (local.get $cp) (local.get $c20))
        (v128.store offset=16 (local.get $cp) (local.get $c21))
        (local.set $cp (i32.add (local.get $cp) (local.get $ld)))
        (v128.store (local.get $cp) (local.get $c30))
        (v128.store offset=16 (local.get $cp) (local.get $c31))
        (return)))
    ;; an edge tile: through the scratch tile, writing only its inside
    (local.set $t (global.get $TILE))
    (v128.store (local.get $t) (local.get $c00))
    (v128.store offset=16 (local.get $t) (local.get $c01))
    (v128.store offset=32 (local.get $t) (local.get $c10))
    (v128.store offset=48 (local.get $t) (local.get $c11))
    (v128.store offset=64 (local.get $t) (local.get $c20))
    (v128.store offset=80 (local.get $t) (local.get $c21))
    (v128.store offset=96 (local.get $t) (local.get $c30))
    (v128.store offset=112 (local.get $t) (local.get $c31))
    (local.set $r (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_s (local.get $r) (local.get $mr)))
      (local.set $cp (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ld))))
      (local.set $q (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_s (local.get $q) (local.get $nr)))
        (local.set $v (f32.load (i32.add (local.get $t) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $q)) (i32.const 2)))))
        (if (i32.eqz (local.get $first))
          (then (local.set $v (f32.add (f32.load (local.get $cp)) (local.get $v)))))
        (f32.store (local.get $cp) (local.get $v))
        (local.set $cp (i32.add (local.get $cp) (i32.const 4)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))

  ;; Four dot products of A's row at $pa with B's rows $pb, $pb + $bs, ... (K floats each), added into
  ;; (flags & 4) or stored at $pc .. $pc + 12: each sums exactly as the one-at-a-time loop of $dot_nt
  ;; does (four lanes, then lanes 0+1 and 2+3, then the tail), but four chains of additions run at once
  ;; instead of one waiting on its own latency.
  (func $dot4 (param $flags i32) (param $K i32) (param $pa i32) (param $pb i32) (param $bs i32) (param $pc i32)
    (local $p i32) (local $va v128) (local $q i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $s f32) (local $x f32) (local $acc v128)
    (local.set $b1 (i32.add (local.get $pb) (local.get $bs)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $bs)))
    (local.set $b3 (i32.add (local.get $b2) (local.get $bs)))
    (local.set $p (local.get $K))
    (block $v_done (loop $v
      (br_if $v_done (i32.lt_s (local.get $p) (i32.const 4)))
      (local.set $va (v128.load (local.get $pa)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $va) (v128.load (local.get $pb)))))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $va) (v128.load (local.get $b1)))))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $va) (v128.load (local.get $b2)))))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $va) (v128.load (local.get $b3)))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
      (local.set $b1 (i32.add (local.get $b1) (i32.const 16)))
      (local.set $b2 (i32.add (local.get $b2) (i32.const 16)))
      (local.set $b3 (i32.add (local.get $b3) (i32.const 16)))
      (local.set $p (i32.sub (local.get $p) (i32.const 4)))
      (br $v)))
    ;; each of the four: its lanes reduced, its scalar tail added, written; $pb walks to the next row
    (local.set $q (i32.const 0))
    (block $q_done (loop $each
      (br_if $q_done (i32.ge_s (local.get $q) (i32.const 4)))
      (local.set $acc (select (result v128) (local.get $a0)
        (select (result v128) (local.get $a1) (select (result v128) (local.get $a2) (local.get $a3) (i32.eq (local.get $q) (i32.const 2))) (i32.eq (local.get $q) (i32.const 1)))
        (i32.eqz (local.get $q))))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      ;; the last p floats: A's from $pa on, row q's of B from $pb + q * $bs on ($b3 counts them down)
      (local.set $b2 (i32.add (local.get $pb) (i32.mul (local.get $q) (local.get $bs))))
      (local.set $b3 (local.get $p))
      (block $t_done (loop $t
        (br_if $t_done (i32.le_s (local.get $b3) (i32.const 0)))
        (local.set $x (f32.mul
          (f32.load (i32.add (local.get $pa) (i32.shl (i32.sub (local.get $p) (local.get $b3)) (i32.const 2))))
          (f32.load (i32.add (local.get $b2) (i32.shl (i32.sub (local.get $p) (local.get $b3)) (i32.const 2))))))
        (local.set $s (f32.add (local.get $s) (local.get $x)))
        (local.set $b3 (i32.sub (local.get $b3) (i32.const 1)))
        (br $t)))
      (if (i32.and (local.get $flags) (i32.const 4))
        (then (local.set $s (f32.add (f32.load (local.get $pc)) (local.get $s)))))
      (f32.store (local.get $pc) (local.get $s))
      (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $each))))

  ;; C[M x N] (+)= A[M x K] * B[N x K]^T as M x N dot products of contiguous rows, for the products
  ;; with fewer rows than a tile (one image's dense layers): packing B would cost more than the product.
  ;; Four columns of C at a time ($dot4), the last few one by one.
  (func $dot_nt (param $flags i32) (param $M i32) (param $N i32) (param $K i32)
        (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (local $i i32) (local $j i32) (local $p i32) (local $pa i32) (local $pb i32) (local $acc v128) (local $s f32) (local $pc i32)
    (local.set $i (i32.const 0))
    (block $i_done (loop $i_loop
      (br_if $i_done (i32.ge_s (local.get $i) (local.get $M)))
      (local.set $j (i32.const 0))
      (block $j4_done (loop $j4_loop
        (br_if $j4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $N)))
        (call $dot4 (local.get $flags) (local.get $K)
          (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2)))
          (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $ldb)) (i32.const 2)))
          (i32.shl (local.get $ldb) (i32.const 2))
          (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $j4_loop)))
      (block $j_done (loop $j_loop
        (br_if $j_done (i32.ge_s (local.get $j) (local.get $N)))
        (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $ldb)) (i32.const 2))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $K))
        (block $v_done (loop $v
          (br_if $v_done (i32.lt_s (local.get $p) (i32.const 4)))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (v128.load (local.get $pa)) (v128.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
          (local.set $p (i32.sub (local.get $p) (i32.const 4)))
          (br $v)))
        (local.set $s (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
          (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (block $s_done (loop $t
          (br_if $s_done (i32.le_s (local.get $p) (i32.const 0)))
          (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 4)))
          (local.set $p (i32.sub (local.get $p) (i32.const 1)))
          (br $t)))
        (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
        (if (i32.and (local.get $flags) (i32.const 4))
          (then (local.set $s (f32.add (f32.load (local.get $pc)) (local.get $s)))))
        (f32.store (local.get $pc) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $j_loop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $i_loop))))

  ;; C[M x N] (+)= op(A) * op(B). flags: 1 = A transposed (A is K x M, lda its row length),
  ;; 2 = B transposed (B is N x K), 4 = accumulate into C (else C is overwritten). Byte addresses.
  (func $gemm (export "gemm") (param $flags i32) (param $M i32) (param $N i32) (param $K i32)
        (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (local $ars i32) (local $acs i32) (local $brs i32) (local $bcs i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $first i32) (local $pbp i32) (local $bs i32)
    (if (i32.and (local.get $flags) (i32.const 1))
      (then (local.set $ars (i32.const 1)) (local.set $acs (local.get $lda)))
      (else (local.set $ars (local.get $lda)) (local.set $acs (i32.const 1))))
    (if (i32.and (local.get $flags) (i32.const 2))
      (then (local.set $brs (i32.const 1)) (local.set $bcs (local.get $ldb)))
      (else (local.set $brs (local.get $ldb)) (local.set $bcs (i32.const 1))))
    (if (i32.and (i32.eq (i32.and (local.get $flags) (i32.const 3)) (i32.const 2)) (i32.lt_s (local.get $M) (i32.const 4)))
      (then
        (call $dot_nt (local.get $flags) (local.get $M) (local.get $N) (local.get $K)
          (local.get $a) (local.get $lda) (local.get $b) (local.get $ldb) (local.get $c) (local.get $ldc))
        (return)))
    (if (i32.eqz (local.get $K))
      (then
        ;; an empty sum: C = 0 unless accumulating
        (if (i32.eqz (i32.and (local.get $flags) (i32.const 4)))
          (then
            (local.set $ic (i32.const 0))
            (block $z_done (loop $z
              (br_if $z_done (i32.ge_s (local.get $ic) (local.get $M)))
              (memory.fill (i32.add (local.get $c) (i32.shl (i32.mul (local.get $ic) (local.get $ldc)) (i32.const 2)))
                           (i32.const 0) (i32.shl (local.get $N) (i32.const 2)))
              (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
              (br $z)))))
        (return)))
    (local.set $jc (i32.const 0))
    (block $jc_done (loop $jc_loop
      (br_if $jc_done (i32.ge_s (local.get $jc) (local.get $N)))
      (local.set $nc (select (global.get $NC) (i32.sub (local.get $N) (local.get $jc))
                             (i32.lt_s (global.get $NC) (i32.sub (local.get $N) (local.get $jc)))))
      (local.set $pc (i32.const 0))
      (block $pc_done (loop $pc_loop
        (br_if $pc_done (i32.ge_s (local.get $pc) (local.get $K)))
        (local.set $kc (select (global.get $KC) (i32.sub (local.get $K) (local.get $pc))
                               (i32.lt_s (global.get $KC) (i32.sub (local.get $K) (local.get $pc)))))
        (local.set $first (i32.and (i32.eqz (local.get $pc)) (i32.eqz (i32.and (local.get $flags) (i32.const 4)))))
        (call $pack_b
          (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $brs)) (i32.mul (local.get $jc) (local.get $bcs))) (i32.const 2)))
          (local.get $brs) (local.get $bcs) (local.get $kc) (local.get $nc))
        (local.set $ic (i32.const 0))
        (block $ic_done (loop $ic_loop
          (br_if $ic_done (i32.ge_s (local.get $ic) (local.get $M)))
          (local.set $mc (select (global.get $MC) (i32.sub (local.get $M) (local.get $ic))
                                 (i32.lt_s (global.get $MC) (i32.sub (local.get $M) (local.get $ic)))))
          (call $pack_a
            (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $ars)) (i32.mul (local.get $pc) (local.get $acs))) (i32.const 2)))
            (local.get $ars) (local.get $acs) (local.get $mc) (local.get $kc))
          (local.set $jr (i32.const 0))
          (block $jr_done (loop $jr_loop
            (br_if $jr_done (i32.ge_s (local.get $jr) (local.get $nc)))
            ;; a whole 8-column panel of untransposed B is read where it lies (rows ldb apart): packing
            ;; it would cost as much as the product when A has few rows; other panels were packed
            (if (i32.and (i32.eq (local.get $bcs) (i32.const 1)) (i32.ge_s (i32.sub (local.get $nc) (local.get $jr)) (i32.const 8)))
              (then
                (local.set $pbp (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $ldb)) (i32.add (local.get $jc) (local.get $jr))) (i32.const 2))))
                (local.set $bs (i32.shl (local.get $ldb) (i32.const 2))))
              (else
                (local.set $pbp (i32.add (global.get $PACK_B) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
                (local.set $bs (i32.const 32))))
            (local.set $ir (i32.const 0))
            (block $ir_done (loop $ir_loop
              (br_if $ir_done (i32.ge_s (local.get $ir) (local.get $mc)))
              (call $micro (local.get $kc)
                (i32.add (global.get $PACK_A) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                (local.get $pbp) (local.get $bs)
                (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc))
                                                          (i32.add (local.get $jc) (local.get $jr))) (i32.const 2)))
                (local.get $ldc)
                (select (i32.const 4) (i32.sub (local.get $mc) (local.get $ir)) (i32.lt_s (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))))
                (select (i32.const 8) (i32.sub (local.get $nc) (local.get $jr)) (i32.lt_s (i32.const 8) (i32.sub (local.get $nc) (local.get $jr))))
                (local.get $first))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br $ir_loop)))
            (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
            (br $jr_loop)))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br $ic_loop)))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br $pc_loop)))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br $jc_loop))))

  ;; dst[0..n) = src[0..n), four floats at a time (unaligned), then one by one.
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (block $v_done (loop $v
      (br_if $v_done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $dst) (v128.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $v)))
    (block $s_done (loop $s
      (br_if $s_done (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $s))))

  ;; dst[0..n) += src[0..n).
  (func $add_to (param $dst i32) (param $src i32) (param $n i32)
    (block $v_done (loop $v
      (br_if $v_done (i32.lt_s (local.get $n) (i32.const 4)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (br $v)))
    (block $s_done (loop $s
      (br_if $s_done (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $s))))

  ;; dst[0..n) = 0.
  (func $zero (param $dst i32) (param $n i32)
    (block $s_done (loop $s
      (br_if $s_done (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.const 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $s))))

  ;; Walks the receptive fields of a stride-1 convolution over `images` images x[i][C][H][W]: for
  ;; every row (c, ki, kj) of the column matrix and every output row oy, the run of output columns
  ;; whose input lies inside the image. $back = 0: cols[row, i*P + oy*outW + ox] = x[...] (zero outside),
  ;; the im2col unrolling; $back = 1: x[...] += cols[...], its adjoint. cols rows are $ld floats long.
  (func $unroll (param $back i32) (param $x i32) (param $images i32) (param $C i32) (param $H i32) (param $W i32)
        (param $kh i32) (param $kw i32) (param $padH i32) (param $padW i32) (param $outH i32) (param $outW i32)
        (param $cols i32) (param $ld i32)
    (local $img i32) (local $c i32) (local $ki i32) (local $kj i32) (local $oy i32) (local $iy i32)
    (local $row i32) (local $dst i32) (local $from i32) (local $to i32) (local $src i32) (local $P i32)
    (local.set $P (i32.mul (local.get $outH) (local.get $outW)))
    (local.set $img (i32.const 0))
    (block $img_done (loop $img_loop
      (br_if $img_done (i32.ge_s (local.get $img) (local.get $images)))
      (local.set $row (i32.const 0))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_s (local.get $c) (local.get $C)))
        (local.set $ki (i32.const 0))
        (block $ki_done (loop $ki_loop
          (br_if $ki_done (i32.ge_s (local.get $ki) (local.get $kh)))
          (local.set $kj (i32.const 0))
          (block $kj_done (loop $kj_loop
            (br_if $kj_done (i32.ge_s (local.get $kj) (local.get $kw)))
            ;; output columns ox in [from, to) read input column ox - padW + kj inside [0, W)
            (local.set $from (i32.sub (local.get $padW) (local.get $kj)))
            (if (i32.lt_s (local.get $from) (i32.const 0)) (then (local.set $from (i32.const 0))))
            (if (i32.gt_s (local.get $from) (local.get $outW)) (then (local.set $from (local.get $outW))))
            (local.set $to (i32.add (i32.sub (local.get $W) (local.get $kj)) (local.get $padW)))
            (if (i32.gt_s (local.get $to) (local.get $outW)) (then (local.set $to (local.get $outW))))
            (if (i32.lt_s (local.get $to) (local.get $from)) (then (local.set $to (local.get $from))))
            (local.set $dst (i32.add (local.get $cols)
              (i32.shl (i32.add (i32.mul (local.get $row) (local.get $ld)) (i32.mul (local.get $img) (local.get $P))) (i32.const 2))))
            (local.set $oy (i32.const 0))
            (block $oy_done (loop $oy_loop
              (br_if $oy_done (i32.ge_s (local.get $oy) (local.get $outH)))
              (local.set $iy (i32.add (i32.sub (local.get $oy) (local.get $padH)) (local.get $ki)))
              (if (i32.or (i32.lt_s (local.get $iy) (i32.const 0)) (i32.ge_s (local.get $iy) (local.get $H)))
                (then (if (i32.eqz (local.get $back)) (then (call $zero (local.get $dst) (local.get $outW)))))
                (else
                  (local.set $src (i32.add (local.get $x)
                    (i32.shl (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $C)) (local.get $c)) (local.get $H)) (local.get $iy)) (local.get $W))
                                      (i32.add (i32.sub (local.get $from) (local.get $padW)) (local.get $kj)))
                             (i32.const 2))))
                  (if (i32.eqz (local.get $back))
                    (then
                      (call $zero (local.get $dst) (local.get $from))
                      (call $copy (i32.add (local.get $dst) (i32.shl (local.get $from) (i32.const 2))) (local.get $src) (i32.sub (local.get $to) (local.get $from)))
                      (call $zero (i32.add (local.get $dst) (i32.shl (local.get $to) (i32.const 2))) (i32.sub (local.get $outW) (local.get $to))))
                    (else
                      (call $add_to (local.get $src) (i32.add (local.get $dst) (i32.shl (local.get $from) (i32.const 2))) (i32.sub (local.get $to) (local.get $from)))))))
              (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $outW) (i32.const 2))))
              (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
              (br $oy_loop)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (local.set $kj (i32.add (local.get $kj) (i32.const 1)))
            (br $kj_loop)))
          (local.set $ki (i32.add (local.get $ki) (i32.const 1)))
          (br $ki_loop)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $c_loop)))
      (local.set $img (i32.add (local.get $img) (i32.const 1)))
      (br $img_loop))))

  (func $im2col (export "im2col") (param $x i32) (param $images i32) (param $C i32) (param $H i32) (param $W i32)
        (param $kh i32) (param $kw i32) (param $padH i32) (param $padW i32) (param $outH i32) (param $outW i32)
        (param $cols i32) (param $ld i32)
    (call $unroll (i32.const 0) (local.get $x) (local.get $images) (local.get $C) (local.get $H) (local.get $W)
      (local.get $kh) (local.get $kw) (local.get $padH) (local.get $padW) (local.get $outH) (local.get $outW) (local.get $cols) (local.get $ld)))

  (func $col2im_add (export "col2im_add") (param $x i32) (param $images i32) (param $C i32) (param $H i32) (param $W i32)
        (param $kh i32) (param $kw i32) (param $padH i32) (param $padW i32) (param $outH i32) (param $outW i32)
        (param $cols i32) (param $ld i32)
    (call $unroll (i32.const 1) (local.get $x) (local.get $images) (local.get $C) (local.get $H) (local.get $W)
      (local.get $kh) (local.get $kw) (local.get $padH) (local.get $padW) (local.get $outH) (local.get $outW) (local.get $cols) (local.get $ld)))

  ;; A convolution's product out[O x ld] (image i's P outputs of map o at o * ld + i * P) laid out as
  ;; the layer's output dst[images, O, P], each map's bias added and, when $relu, negatives (and NaN)
  ;; made 0: dst = v > 0 ? v : 0 as the TypeScript pass writes it (pmax(0, v) is exactly that).
  (func $bias_act (export "bias_act") (param $out i32) (param $ld i32) (param $images i32) (param $O i32) (param $P i32)
        (param $bias i32) (param $relu i32) (param $dst i32)
    (local $i i32) (local $o i32) (local $src i32) (local $n i32) (local $b f32) (local $bv v128) (local $v v128) (local $x f32)
    (local.set $i (i32.const 0))
    (block $i_done (loop $i_loop
      (br_if $i_done (i32.ge_s (local.get $i) (local.get $images)))
      (local.set $o (i32.const 0))
      (block $o_done (loop $o_loop
        (br_if $o_done (i32.ge_s (local.get $o) (local.get $O)))
        (local.set $src (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $o) (local.get $ld)) (i32.mul (local.get $i) (local.get $P))) (i32.const 2))))
        (local.set $b (f32.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $bv (f32x4.splat (local.get $b)))
        (local.set $n (local.get $P))
        (block $v_done (loop $v
          (br_if $v_done (i32.lt_s (local.get $n) (i32.const 4)))
          (local.set $v (f32x4.add (v128.load (local.get $src)) (local.get $bv)))
          (if (local.get $relu) (then (local.set $v (f32x4.pmax (v128.const f32x4 0 0 0 0) (local.get $v)))))
          (v128.store (local.get $dst) (local.get $v))
          (local.set $src (i32.add (local.get $src) (i32.const 16)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $n (i32.sub (local.get $n) (i32.const 4)))
          (br $v)))
        (block $s_done (loop $t
          (br_if $s_done (i32.le_s (local.get $n) (i32.const 0)))
          (local.set $x (f32.add (f32.load (local.get $src)) (local.get $b)))
          (if (local.get $relu) (then (local.set $x (select (local.get $x) (f32.const 0) (f32.gt (local.get $x) (f32.const 0))))))
          (f32.store (local.get $dst) (local.get $x))
          (local.set $src (i32.add (local.get $src) (i32.const 4)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $t)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $o_loop)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $i_loop))))
)
