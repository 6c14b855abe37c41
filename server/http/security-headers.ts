/**
 * Response headers of /api and the editor. The editor's Content-Security-Policy allows only
 * its own built files (Vite emits no inline script), its own API and socket.io endpoint
 * ('self' covers ws: to the same host in CSP 3), and data: images (the favicon);
 * no page may frame either (clickjacking).
 */
import type { RequestHandler, Response } from 'express';

export const EDITOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON is never a document: nothing may load or run from it */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

function common(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // no other origin may embed these answers with <script>/<img> (no-cors reads of JSON)
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

export const apiHeaders: RequestHandler = (_req, res, next) => {
  common(res);
  res.setHeader('Content-Security-Policy', API_CSP);
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export const editorHeaders: RequestHandler = (_req, res, next) => {
  common(res);
  res.setHeader('Content-Security-Policy', EDITOR_CSP);
  next();
};
