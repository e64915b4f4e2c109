/**
 * Which apps an agent works on (`agents[].apps` in the config). An agent sees, receives and
 * counts only conversations of their apps; a visitor's app is available only through its agents.
 */

/** App ids an agent works on; null means every app (the entry has no `apps`). */
export type AppScope = readonly string[] | null;

export const inScope = (scope: AppScope, appId: string): boolean => scope === null || scope.includes(appId);

/** True when two agents share an app (their presence concerns each other). */
export const scopesOverlap = (a: AppScope, b: AppScope): boolean => a === null || b === null || a.some((id) => b.includes(id));

/** A key that is equal for equal scopes, to compute per-scope values once. */
export const scopeKey = (scope: AppScope): string => (scope === null ? '*' : JSON.stringify([...scope].sort()));
