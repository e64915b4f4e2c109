/**
 * Meeting types: those the config file declares (`source = 'config'`, replaced at every start,
 * read-only in the inbox) and those agents make in the inbox (`source = 'inbox'`). Ids are
 * unique per app across both; a config entry whose id an inbox type holds takes it over.
 */
import type { MeetingTypeDetail, MeetingTypeInput } from '../../src/protocol/index.js';
import type { AppScope } from '../tenancy.js';
import { isUniqueViolation, type Db, type Queryable } from './db.js';

/** A config-declared meeting type: its app, its id and its settings. */
export type DeclaredMeetingType = MeetingTypeInput & { app_id: string; id: number };

const COLUMNS = `app_id, id, source, name, duration_minutes, description, location, hosts, timezone, weekly_hours,
  buffer_minutes, min_notice_minutes, horizon_days, questions`;

const values = (t: MeetingTypeInput): unknown[] => [
  t.name,
  t.duration_minutes,
  t.description,
  t.location,
  t.hosts,
  t.timezone,
  JSON.stringify(t.weekly_hours),
  t.buffer_minutes,
  t.min_notice_minutes,
  t.horizon_days,
  JSON.stringify(t.questions),
];

export class MeetingTypesRepo {
  constructor(private readonly db: Db) {}

  /** Makes the config's types the stored config-sourced set, in one transaction (idempotent). */
  async replaceFromConfig(types: readonly DeclaredMeetingType[]): Promise<void> {
    await this.db.transaction(async (q) => {
      for (const t of types) await upsert(q, t.app_id, t.id, 'config', t);
      await q.query(
        `DELETE FROM meeting_types t WHERE source = 'config'
           AND NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::int[]) AS k(app_id, id) WHERE k.app_id = t.app_id AND k.id = t.id)`,
        [types.map((t) => t.app_id), types.map((t) => t.id)],
      );
    });
  }

  /** An app's types, by id. */
  async list(appId: string): Promise<MeetingTypeDetail[]> {
    return this.db.query<MeetingTypeDetail>(`SELECT ${COLUMNS} FROM meeting_types WHERE app_id = $1 ORDER BY id`, [appId]);
  }

  /** Types of the apps in scope (enabled apps only), by app and id. */
  async listInScope(scope: AppScope): Promise<MeetingTypeDetail[]> {
    return this.db.query<MeetingTypeDetail>(
      `SELECT ${COLUMNS} FROM meeting_types t WHERE ($1::text[] IS NULL OR t.app_id = ANY($1::text[]))
         AND EXISTS (SELECT 1 FROM apps a WHERE a.id = t.app_id AND NOT a.disabled) ORDER BY app_id, id`,
      [scope],
    );
  }

  async find(appId: string, id: number): Promise<MeetingTypeDetail | null> {
    const rows = await this.db.query<MeetingTypeDetail>(`SELECT ${COLUMNS} FROM meeting_types WHERE app_id = $1 AND id = $2`, [appId, id]);
    return rows[0] ?? null;
  }

  async count(appId: string): Promise<number> {
    const [r] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM meeting_types WHERE app_id = $1', [appId]);
    return r?.n ?? 0;
  }

  /** An inbox-made type with the app's next free id (a racing create takes the next one). */
  async create(appId: string, input: MeetingTypeInput): Promise<MeetingTypeDetail> {
    for (let attempt = 0; ; attempt++) {
      try {
        const [row] = await this.db.query<MeetingTypeDetail>(
          `INSERT INTO meeting_types (app_id, id, source, name, duration_minutes, description, location, hosts, timezone, weekly_hours,
             buffer_minutes, min_notice_minutes, horizon_days, questions)
           SELECT $1, COALESCE(max(id), 0) + 1, 'inbox', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM meeting_types WHERE app_id = $1
           RETURNING ${COLUMNS}`,
          [appId, ...values(input)],
        );
        return row!;
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 5) throw e;
      }
    }
  }

  /** Replaces an inbox-made type's settings; a config-declared one is left alone. */
  async update(appId: string, id: number, input: MeetingTypeInput): Promise<MeetingTypeDetail | 'read_only' | null> {
    const rows = await this.db.query<MeetingTypeDetail>(
      `UPDATE meeting_types SET name = $3, duration_minutes = $4, description = $5, location = $6, hosts = $7, timezone = $8,
         weekly_hours = $9, buffer_minutes = $10, min_notice_minutes = $11, horizon_days = $12, questions = $13, updated_at = now()
       WHERE app_id = $1 AND id = $2 AND source = 'inbox' RETURNING ${COLUMNS}`,
      [appId, id, ...values(input)],
    );
    if (rows[0]) return rows[0];
    return (await this.find(appId, id)) ? 'read_only' : null;
  }

  async delete(appId: string, id: number): Promise<'deleted' | 'read_only' | null> {
    const rows = await this.db.query(`DELETE FROM meeting_types WHERE app_id = $1 AND id = $2 AND source = 'inbox' RETURNING id`, [appId, id]);
    if (rows.length) return 'deleted';
    return (await this.find(appId, id)) ? 'read_only' : null;
  }
}

async function upsert(q: Queryable, appId: string, id: number, source: 'config' | 'inbox', t: MeetingTypeInput): Promise<void> {
  await q.query(
    `INSERT INTO meeting_types (app_id, id, source, name, duration_minutes, description, location, hosts, timezone, weekly_hours,
       buffer_minutes, min_notice_minutes, horizon_days, questions)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (app_id, id) DO UPDATE SET source = EXCLUDED.source, name = EXCLUDED.name, duration_minutes = EXCLUDED.duration_minutes,
       description = EXCLUDED.description, location = EXCLUDED.location, hosts = EXCLUDED.hosts, timezone = EXCLUDED.timezone,
       weekly_hours = EXCLUDED.weekly_hours, buffer_minutes = EXCLUDED.buffer_minutes, min_notice_minutes = EXCLUDED.min_notice_minutes,
       horizon_days = EXCLUDED.horizon_days, questions = EXCLUDED.questions,
       updated_at = CASE WHEN (meeting_types.source, meeting_types.name, meeting_types.duration_minutes, meeting_types.description, meeting_types.location,
           meeting_types.hosts, meeting_types.timezone, meeting_types.weekly_hours, meeting_types.buffer_minutes, meeting_types.min_notice_minutes,
           meeting_types.horizon_days, meeting_types.questions)
         IS NOT DISTINCT FROM (EXCLUDED.source, EXCLUDED.name, EXCLUDED.duration_minutes, EXCLUDED.description, EXCLUDED.location, EXCLUDED.hosts,
           EXCLUDED.timezone, EXCLUDED.weekly_hours, EXCLUDED.buffer_minutes, EXCLUDED.min_notice_minutes, EXCLUDED.horizon_days, EXCLUDED.questions)
         THEN meeting_types.updated_at ELSE now() END`,
    [appId, id, source, ...values(t)],
  );
}
