export declare const LAYERS: Readonly<Record<string, { readonly folders: readonly string[]; readonly packages: readonly string[] }>>;
export declare function layerOf(file: string): string | null;
export declare function packageOf(specifier: string): string;
