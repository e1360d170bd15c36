/**
 * Colours that TypeScript paints itself (the ink on the Konva stage, the training charts' canvas, the
 * logo), where CSS variables do not reach. Each is a token of renderer/ui/tokens.css under its camelCase
 * name (`textMuted` is `--color-text-muted`); tests/unit/renderer/style-tokens.test.ts checks they agree.
 * Data-to-colour scales (layers/colorScale.ts, the confusion matrix) are not tokens and stay where they are.
 */
export const palette = {
  text: '#1b2230',
  textMuted: '#5d6779',
  surface: '#ffffff',
  fill: '#eef1f5',
  border: '#e1e5ec',
  accent: '#2456c7',
  accentLight: '#9fbaf5',
  highlight: '#e0531f',
} as const;
