/**
 * Characters many people write like a digit; ../shared/data/README.md does not count them as non-digits
 * when the app is measured, and the reject head does not train on them.
 */
export const LOOK_ALIKES: ReadonlySet<string> = new Set('O o Q D l I i j J S s Z z B b g q G y T t | / \\ ( ) [ ] ! \' ` , . - _ ~ : ; "'.split(' '));

export type NonDigitKind = 'uppercase' | 'lowercase' | 'symbol';
