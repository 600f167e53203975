import type { FastifyReply, FastifyRequest } from 'fastify';

const FLASH_COOKIE = 'wc_flash';

/** A one-line confirmation shown on the next page (post/redirect/get), carried in a short-lived signed cookie. */
export function setFlash(reply: FastifyReply, message: string): void {
  reply.setCookie(FLASH_COOKIE, message, { path: '/', httpOnly: true, sameSite: 'lax', signed: true, maxAge: 60 });
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? (unsigned.value ?? undefined) : undefined;
}
