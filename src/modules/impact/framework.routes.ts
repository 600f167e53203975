import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { paths } from '../../platform/paths.ts';
import { policies } from '../../platform/policies.ts';
import { frameworkView, versionRows } from './framework.presenter.ts';
import {
  currentFramework,
  currentFrameworkVersion,
  type FrameworkTree,
  frameworkCsvOf,
  frameworkJson,
  frameworkVersion,
  frameworkVersions,
} from './framework.service.ts';

const publicPage = { config: { policy: 'public' } } as const;
const VIEW = 'impact/views/framework.njk';
type VersionParams = { Params: { version: string } };

/** The framework is open: anyone can read every version and download it to use elsewhere. */
export const impactFrameworkModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const versionFrom = async (param: string) => {
    const tree = /^\d{1,9}$/.test(param) ? await frameworkVersion(database, Number(param)) : undefined;
    if (!tree) throw new HttpError(404, 'Page not found', 'There is no framework version at this address.');
    return tree;
  };

  const page = async (request: FastifyRequest, reply: FastifyReply, framework: FrameworkTree | undefined) => {
    const [current, versions] = await Promise.all([currentFrameworkVersion(database), frameworkVersions(database)]);
    const isCurrent = framework !== undefined && framework.version === current?.version;
    return reply.view(VIEW, {
      title: isCurrent || !framework ? 'Impact framework' : `Impact framework, version ${framework.version}`,
      framework: framework && frameworkView(framework),
      isCurrent,
      current,
      versionRows: versionRows(versions, framework?.version),
      // The coverage table is for those who commission: the same rule as its own route.
      canSeeCoverage: policies.commissioningInsight({ user: request.user ?? null, params: {} }),
    });
  };

  app.get(paths.impactFramework.index(), publicPage, async (request, reply) =>
    page(request, reply, await currentFramework(database)),
  );

  app.get<VersionParams>('/impact/framework/versions/:version', publicPage, async (request, reply) =>
    page(request, reply, await versionFrom(request.params.version)),
  );

  app.get<VersionParams>('/impact/framework/versions/:version/framework.json', publicPage, async (request, reply) => {
    const tree = await versionFrom(request.params.version);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="impact-framework-v${tree.version}.json"`)
      .send(frameworkJson(tree));
  });

  app.get<VersionParams>('/impact/framework/versions/:version/framework.csv', publicPage, async (request, reply) => {
    const tree = await versionFrom(request.params.version);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="impact-framework-v${tree.version}.csv"`)
      .send(frameworkCsvOf(tree));
  });
};
