/** The help site's own words, per language (articles bring their own). English fills any gap. */
const EN = {
  helpCenter: 'Help center',
  search: 'Search',
  searchPlaceholder: 'Search articles…',
  resultsFor: (q: string) => `Results for “${q}”`,
  noResults: 'No article matches your search. Try other words, or chat with us.',
  noArticles: 'There are no articles here yet.',
  other: 'Other articles',
  updated: 'Updated',
  stillNeedHelp: 'Still need help?',
  chatWithUs: 'Chat with us',
  status: 'System status',
  inCategory: (c: string) => `More in ${c}`,
  notFound: 'Page not found',
  notFoundText: 'We could not find this page. It may have moved, or it is not published.',
  backHome: 'Back to the help center',
  languages: 'Languages',
};
export type SiteStrings = typeof EN;

const STRINGS: Record<string, Partial<SiteStrings>> = {
  en: EN,
  fr: {
    helpCenter: 'Centre d’aide',
    search: 'Rechercher',
    searchPlaceholder: 'Rechercher un article…',
    resultsFor: (q) => `Résultats pour « ${q} »`,
    noResults: 'Aucun article ne correspond. Essayez d’autres mots, ou écrivez-nous.',
    noArticles: 'Il n’y a pas encore d’article ici.',
    other: 'Autres articles',
    updated: 'Mis à jour le',
    stillNeedHelp: 'Besoin d’aide ?',
    chatWithUs: 'Discuter avec nous',
    status: 'État des services',
    inCategory: (c) => `Plus dans ${c}`,
    notFound: 'Page introuvable',
    notFoundText: 'Cette page est introuvable. Elle a peut-être été déplacée, ou n’est pas publiée.',
    backHome: 'Retour au centre d’aide',
    languages: 'Langues',
  },
  de: {
    helpCenter: 'Hilfe-Center',
    search: 'Suchen',
    searchPlaceholder: 'Artikel suchen…',
    resultsFor: (q) => `Ergebnisse für „${q}“`,
    noResults: 'Kein Artikel passt. Versuchen Sie andere Wörter oder schreiben Sie uns.',
    other: 'Weitere Artikel',
    updated: 'Aktualisiert',
    stillNeedHelp: 'Noch Fragen?',
    chatWithUs: 'Mit uns chatten',
    status: 'Systemstatus',
    notFound: 'Seite nicht gefunden',
    backHome: 'Zurück zum Hilfe-Center',
  },
  es: {
    helpCenter: 'Centro de ayuda',
    search: 'Buscar',
    searchPlaceholder: 'Buscar artículos…',
    resultsFor: (q) => `Resultados para «${q}»`,
    noResults: 'Ningún artículo coincide. Prueba otras palabras o escríbenos.',
    other: 'Otros artículos',
    updated: 'Actualizado',
    stillNeedHelp: '¿Necesitas más ayuda?',
    chatWithUs: 'Chatea con nosotros',
    status: 'Estado del sistema',
    notFound: 'Página no encontrada',
    backHome: 'Volver al centro de ayuda',
  },
};

export const stringsFor = (locale: string): SiteStrings => ({ ...EN, ...(STRINGS[locale] ?? {}) });

/** Right-to-left scripts among the languages Convot speaks. */
export const dirOf = (locale: string): 'rtl' | 'ltr' => (['ar', 'he', 'fa', 'ur'].includes(locale) ? 'rtl' : 'ltr');
