import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { accountsModule } from './modules/accounts/accounts.routes.ts';
import { adminModule } from './modules/admin/admin.routes.ts';
import { alertsModule } from './modules/alerts/alerts.routes.ts';
import { cashflowModule } from './modules/consortia/cashflow/cashflow.routes.ts';
import { consortiaModule } from './modules/consortia/consortia.routes.ts';
import { consortiumDocumentsModule } from './modules/consortia/consortium-documents.routes.ts';
import { fairnessSettingsModule } from './modules/consortia/fairness-settings.routes.ts';
import { partnersModule } from './modules/consortia/partners/partners.routes.ts';
import { ratingsModule } from './modules/consortia/ratings/ratings.routes.ts';
import { suggestionModule } from './modules/consortia/suggestion/suggestion.routes.ts';
import { comparisonModule } from './modules/impact/comparison.routes.ts';
import { coverageModule } from './modules/impact/coverage.routes.ts';
import { impactFrameworkAdminModule } from './modules/impact/framework.admin.routes.ts';
import { impactFrameworkModule } from './modules/impact/framework.routes.ts';
import { organisationImpactModule } from './modules/impact/organisation-impact.routes.ts';
import { contractsModule } from './modules/ledger/contracts.routes.ts';
import { ledgerAdminModule } from './modules/ledger/ledger-admin.routes.ts';
import { contractResultsModule } from './modules/ledger/results.routes.ts';
import { matchingModule } from './modules/matching/matching.routes.ts';
import { ocdsApi } from './modules/ocds/ocds.api.ts';
import { ocdsImportModule } from './modules/ocds/ocds-import.routes.ts';
import { ocdsPartiesModule } from './modules/ocds/ocds-parties.routes.ts';
import { openReferralModule } from './modules/openreferral/openreferral.api.ts';
import { opportunityDocumentsModule } from './modules/opportunities/documents/documents.routes.ts';
import { opportunitiesPublicModule } from './modules/opportunities/opportunities.public.routes.ts';
import { opportunitiesModule } from './modules/opportunities/opportunities.routes.ts';
import { directoryModule } from './modules/organisations/directory.routes.ts';
import { organisationsImportModule } from './modules/organisations/import/organisations-import.routes.ts';
import { organisationsApi } from './modules/organisations/organisations.api.ts';
import { organisationsModule } from './modules/organisations/organisations.routes.ts';
import { pagesModule } from './modules/pages/pages.routes.ts';
import { transparencyModule } from './modules/transparency/transparency.routes.ts';
import { registerAssets } from './platform/assets.ts';
import { registerErrorPages } from './platform/errors.ts';
import { createMailer, type Mailer } from './platform/mail.ts';
import { registerRendering } from './platform/render.ts';
import { registerSecurity } from './platform/security.ts';

export type AppDependencies = {
  config: Config;
  database: Database;
  mailer?: Mailer;
  logger?: FastifyServerOptions['logger'];
};

/** What every module plugin is given. */
export type ModuleOptions = { config: Config; database: Database; mailer: Mailer };

/** Builds the whole service, ready for `inject` or `listen`. It never listens itself. */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  const { config, database } = dependencies;
  const mailer =
    dependencies.mailer ?? createMailer({ smtpUrl: config.smtpUrl, baseUrl: config.baseUrl, db: database.db });
  const app = Fastify({
    logger: dependencies.logger ?? false,
    trustProxy: config.env === 'production',
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.addHook('onClose', async () => mailer.close());

  await app.register(formbody);
  await registerSecurity(app, config, database);
  registerRendering(app);
  registerErrorPages(app);
  await registerAssets(app);

  const moduleOptions: ModuleOptions = { config, database, mailer };
  for (const module of [
    pagesModule,
    accountsModule,
    organisationsModule,
    directoryModule,
    organisationsApi,
    adminModule,
    organisationsImportModule,
    openReferralModule,
    impactFrameworkModule,
    impactFrameworkAdminModule,
    organisationImpactModule,
    coverageModule,
    comparisonModule,
    opportunitiesModule,
    opportunitiesPublicModule,
    opportunityDocumentsModule,
    alertsModule,
    ocdsImportModule,
    ocdsPartiesModule,
    ocdsApi,
    matchingModule,
    contractsModule,
    contractResultsModule,
    ledgerAdminModule,
    transparencyModule,
    consortiaModule,
    cashflowModule,
    ratingsModule,
    suggestionModule,
    fairnessSettingsModule,
    consortiumDocumentsModule,
    partnersModule,
  ]) {
    await app.register(module, moduleOptions);
  }
  return app;
}
