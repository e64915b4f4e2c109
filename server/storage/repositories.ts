/**
 * One repository per aggregate, all over one `Db`. Services take the ones they need; nothing
 * above storage/ writes SQL.
 */
import { AgentsRepo } from './agents-repo.js';
import { ArticlesRepo } from './articles-repo.js';
import { BookingsRepo } from './bookings-repo.js';
import type { AppsRepo } from './apps-repo.js';
import { CachedAppsRepo } from './cached-apps-repo.js';
import { ConversationsRepo } from './conversations-repo.js';
import type { Db } from './db.js';
import { MeetingTypesRepo } from './meeting-types-repo.js';
import { VisitorsRepo } from './visitors-repo.js';

export interface Repositories {
  apps: AppsRepo;
  agents: AgentsRepo;
  visitors: VisitorsRepo;
  conversations: ConversationsRepo;
  articles: ArticlesRepo;
  meetingTypes: MeetingTypesRepo;
  bookings: BookingsRepo;
}

export const repositories = (db: Db): Repositories => ({
  apps: new CachedAppsRepo(db),
  agents: new AgentsRepo(db),
  visitors: new VisitorsRepo(db),
  conversations: new ConversationsRepo(db),
  articles: new ArticlesRepo(db),
  meetingTypes: new MeetingTypesRepo(db),
  bookings: new BookingsRepo(db),
});
