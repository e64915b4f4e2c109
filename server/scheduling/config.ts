/**
 * `apps[].meeting_types[]` in the config file: parsed with the same rules as the inbox editor
 * (src/protocol/scheduling.ts), plus what only the whole file can tell: ids unique per app, and
 * hosts that are agents of the file who work on the app. Applied at every start: the file's
 * types replace the stored config-declared ones (inbox-made types are left alone).
 */
import { ValidationError, int, obj } from '../../src/protocol/validate.js';
import { parseMeetingTypeInput } from '../../src/protocol/scheduling.js';
import type { DeclaredMeetingType, MeetingTypesRepo } from '../storage/meeting-types-repo.js';

/** What the scheduling config needs to know of an agent entry. */
interface AgentEntry {
  email: string;
  apps: string[] | null;
}

/** Thrown with the full path of the bad field (`apps[0].meeting_types[1].weekly_hours.mon[0] …`); config.ts turns it into a ConfigError. */
export class MeetingTypeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseMeetingTypesConfig(appsIn: readonly unknown[], agents: readonly AgentEntry[]): DeclaredMeetingType[] {
  const out: DeclaredMeetingType[] = [];
  appsIn.forEach((a, i) => {
    const app = obj(a, `apps[${i}]`);
    const list = app.meeting_types;
    if (list === undefined || list === null) return;
    const appId = String(app.id);
    if (!Array.isArray(list)) throw new MeetingTypeConfigError(`apps[${i}].meeting_types must be an array of meeting types`);
    const ids = new Set<number>();
    list.forEach((entry: unknown, j) => {
      const where = `apps[${i}].meeting_types[${j}]`;
      try {
        const o = obj(entry, where);
        const id = int(o, 'id', { min: 1 });
        if (ids.has(id)) throw new ValidationError('id', `id must be unique per app; ${id} is already used by another meeting type`);
        ids.add(id);
        const input = parseMeetingTypeInput(o);
        for (const [k, email] of (input.hosts ?? []).entries()) {
          const agent = agents.find((x) => x.email === email);
          if (!agent) throw new ValidationError(`hosts[${k}]`, `hosts[${k}] must be the email of an agent in agents[], got ${JSON.stringify(email)}`);
          if (agent.apps !== null && !agent.apps.includes(appId)) {
            throw new ValidationError(`hosts[${k}]`, `hosts[${k}] (${email}) does not work on app ${JSON.stringify(appId)}: add it to that agent's apps`);
          }
        }
        out.push({ app_id: appId, id, ...input });
      } catch (e) {
        if (e instanceof ValidationError) throw new MeetingTypeConfigError(`${where}.${e.message}`);
        throw e;
      }
    });
  });
  return out;
}

/** Stores the file's meeting types (idempotent; config-declared types missing from the file are removed). */
export async function applyMeetingTypes(repo: MeetingTypesRepo, types: readonly DeclaredMeetingType[]): Promise<void> {
  await repo.replaceFromConfig(types);
}
