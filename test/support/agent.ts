import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * Drives the app the way a browser would: keeps cookies, and sends each form with the CSRF token from the
 * page it was on. No mocks: every request goes through the whole app.
 */
export class Agent {
  readonly app: FastifyInstance;
  readonly cookies = new Map<string, string>();
  ip: string;
  constructor(app: FastifyInstance, ip = '127.0.0.1') {
    this.app = app;
    this.ip = ip;
  }

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0)) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  private cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.remember(
      await this.app.inject({
        method: 'GET',
        url,
        remoteAddress: this.ip,
        headers: { cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  /** The CSRF token of a page this agent can see (the home page by default). */
  async csrfToken(fromUrl = '/'): Promise<string> {
    const page = await this.get(fromUrl);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${fromUrl} (status ${page.statusCode})`);
    return token;
  }

  async post(
    url: string,
    fields: Record<string, string | string[]>,
    options: { csrf?: string | false; from?: string } = {},
  ) {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? await this.csrfToken(options.from ?? '/sign-in') : options.csrf;
    if (token) body.append('_csrf', token);
    for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.ip,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  /** Posts fields and files the way a browser's multipart form does, with the CSRF token from `from`. */
  async postMultipart(
    url: string,
    from: string,
    fields: Record<string, string>,
    files: { field: string; name: string; content: Buffer }[] = [],
  ) {
    const boundary = '----wc-agent-boundary';
    const part = (headers: string, body: Buffer | string) =>
      Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
    const payload = Buffer.concat([
      part('Content-Disposition: form-data; name="_csrf"', await this.csrfToken(from)),
      ...Object.entries(fields).map(([name, value]) => part(`Content-Disposition: form-data; name="${name}"`, value)),
      ...files.map((file) =>
        part(
          `Content-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: application/octet-stream`,
          file.content,
        ),
      ),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.ip,
        headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      }),
    );
  }

  async signIn(email: string, password: string) {
    const response = await this.post('/sign-in', { email, password });
    if (response.statusCode !== 303) throw new Error(`sign-in failed for ${email}: ${response.statusCode}`);
    return response;
  }
}
