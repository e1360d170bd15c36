import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { palette } from '../../../renderer/ui/palette.ts';

/**
 * The design tokens (renderer/ui/tokens.css) are the only place a colour, a font size or a spacing is written:
 * every other sheet names tokens, every token it names exists, and the colours TypeScript paints with
 * (renderer/ui/palette.ts) are the tokens' own.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const RENDERER = join(ROOT, 'renderer');
const TOKENS = join(RENDERER, 'ui/tokens.css');

function filesUnder(dir: string, ends: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, ends);
    return ends.some((end) => entry.name.endsWith(end)) ? [path] : [];
  });
}

const SHEETS = filesUnder(RENDERER, ['.css']);

/** CSS named colours (CSS Color 4), lower case; `transparent` and `currentColor` are allowed anywhere. */
const NAMED_COLOURS = new Set(
  `aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood
  cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray
  darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
  darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue
  firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew
  hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
  lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
  lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue
  mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred
  midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
  palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple
  rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue
  slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white
  whitesmoke yellow yellowgreen`.split(/\s+/),
);
const COLOUR_FUNCTION = /\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color|color-mix|light-dark)\(/i;
const HEX_COLOUR = /#[0-9a-f]{3,8}\b/i;
const FONT_SIZE_KEYWORD = /\b(?:xx-small|x-small|small|medium|large|x-large|xx-large|xxx-large|smaller|larger)\b/i;

interface Declaration {
  readonly line: number;
  readonly property: string;
  readonly value: string;
}

/** The sheet's declarations with their line numbers (comments blanked, line breaks kept). */
function declarations(css: string): Declaration[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
  const found: Declaration[] = [];
  // A declaration ends with ; or } — a selector such as `a:hover {` ends with { and is skipped.
  for (const match of text.matchAll(/([-\w]+)\s*:\s*([^;{}]+?)\s*(?=[;}])/g)) {
    found.push({ line: text.slice(0, match.index).split('\n').length, property: match[1].toLowerCase(), value: match[2].replace(/\s+/g, ' ') });
  }
  return found;
}

const withoutVars = (value: string) => value.replace(/var\(\s*--[-\w]+\s*(?:,[^)]*)?\)/g, ' ');

/** What is wrong with one declaration of a sheet other than the tokens, if anything. */
function problemsOf(decl: Declaration): string[] {
  const problems: string[] = [];
  const bare = withoutVars(decl.value).replace(/(['"]).*?\1/g, ' ');
  const named = bare
    .toLowerCase()
    .split(/[^a-z-]+/)
    .find((word) => NAMED_COLOURS.has(word));
  if (HEX_COLOUR.test(bare) || COLOUR_FUNCTION.test(bare) || named) {
    problems.push(`raw colour in "${decl.property}: ${decl.value}": use a --color-* token`);
  }
  if (decl.property === 'font-size' && !/^(?:var\(--font-size-[-\w]+\)|inherit)$/.test(decl.value)) {
    problems.push(`raw font size in "font-size: ${decl.value}": use a --font-size-* token`);
  }
  if (decl.property === 'font' && decl.value !== 'inherit' && (!/var\(--font-size-[-\w]+\)/.test(decl.value) || /\d/.test(bare) || FONT_SIZE_KEYWORD.test(bare))) {
    problems.push(`raw font size in "font: ${decl.value}": use a --font-size-* token`);
  }
  if (/^(?:gap|row-gap|column-gap|padding|margin)(?:-|$)/.test(decl.property) && /\d*\.?\d+(?:px|rem|em)\b/.test(bare)) {
    problems.push(`raw spacing in "${decl.property}: ${decl.value}": use a --space-* token`);
  }
  return problems;
}

const where = (file: string, line: number) => `${relative(ROOT, file)}:${line}`;

function definedTokens(): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const decl of declarations(readFileSync(TOKENS, 'utf8'))) {
    if (decl.property.startsWith('--') && !tokens.has(decl.property)) tokens.set(decl.property, decl.value);
  }
  return tokens;
}

describe('design tokens', () => {
  it('finds the sheets, the tokens among them', () => {
    expect(SHEETS).toContain(TOKENS);
    expect(SHEETS.length).toBeGreaterThan(10);
    expect(definedTokens().size).toBeGreaterThan(50);
  });

  it('the checks catch raw colours, font sizes and spacings', () => {
    const sample = `.a {\n  color: #fff;\n  background: rgba(0, 0, 0, 0.1);\n  border: 1px solid red;\n  font-size: 13px;\n  font: 12px var(--font-mono);\n  padding: 0 8px;\n}\n.b:hover {\n  color: var(--color-text);\n  background: transparent;\n  font-size: var(--font-size-sm);\n  font: var(--font-size-sm) var(--font-mono);\n  border-color: currentColor;\n  margin: 0 auto calc(-1 * var(--space-4));\n}`;
    const found = declarations(sample).flatMap((decl) => problemsOf(decl).map(() => decl.line));
    expect(found).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('no sheet but the tokens writes a colour, a font size or a spacing', () => {
    const problems = SHEETS.filter((file) => file !== TOKENS).flatMap((file) =>
      declarations(readFileSync(file, 'utf8')).flatMap((decl) => problemsOf(decl).map((problem) => `${where(file, decl.line)}: ${problem}`)),
    );
    expect(problems).toEqual([]);
  });

  it('every var(--x) names a token that tokens.css defines', () => {
    const tokens = definedTokens();
    const problems = SHEETS.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((text, i) => [...text.matchAll(/var\(\s*(--[-\w]+)/g)].filter((m) => !tokens.has(m[1])).map((m) => `${where(file, i + 1)}: ${m[1]} is not defined in renderer/ui/tokens.css`)),
    );
    expect(problems).toEqual([]);
  });

  it('custom properties are defined in tokens.css only', () => {
    const problems = SHEETS.filter((file) => file !== TOKENS).flatMap((file) =>
      declarations(readFileSync(file, 'utf8'))
        .filter((decl) => decl.property.startsWith('--'))
        .map((decl) => `${where(file, decl.line)}: ${decl.property} belongs in renderer/ui/tokens.css`),
    );
    expect(problems).toEqual([]);
  });

  it("the colours TypeScript paints with are the tokens' own", () => {
    const tokens = definedTokens();
    const long = (hex: string) => hex.toLowerCase().replace(/^#([0-9a-f])([0-9a-f])([0-9a-f])$/, '#$1$1$2$2$3$3');
    for (const [name, value] of Object.entries(palette)) {
      const token = `--color-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      expect(tokens.get(token), `${token} (palette.${name})`).toBeDefined();
      expect(long(value), `palette.${name} against ${token}`).toBe(long(tokens.get(token)!));
    }
  });

  it('every sheet is imported by the code', () => {
    const imported = new Set(
      filesUnder(RENDERER, ['.ts', '.tsx']).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/^import\s+'(\.{1,2}\/[^']+\.css)';/gm)].map((m) => resolve(dirname(file), m[1])),
      ),
    );
    expect(SHEETS.filter((file) => !imported.has(file)).map((file) => relative(ROOT, file))).toEqual([]);
  });
});
