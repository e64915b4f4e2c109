/**
 * Counted phrases through Intl.PluralRules, so every language gets its own forms (Arabic has
 * six). `#` in a form is replaced by the count, formatted for the locale.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function plural(locale: string, forms: PluralForms): (n: number) => string {
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  // An explicit zero form is used for 0 even where the rules call 0 "other" (e.g. Arabic does say "zero").
  return (n) => (forms[n === 0 && forms.zero ? 'zero' : rules.select(n)] ?? forms.other).replace('#', numbers.format(n));
}
