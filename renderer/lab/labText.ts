import type { en } from '../i18n/en.ts';

/** The ids the core names presets by, as the keys of their texts (an id without a text fails the i18n test). */
type Lab = typeof en.lab;
export type InputPresetId = keyof Lab['presets'];
export type KernelPresetId = keyof Lab['kernels'];
export type LessonId = keyof Lab['lesson'];
export type Axis = 'height' | 'width';
