/** Types of examples/shared/server.mjs (the one backend of the framework examples). */
export interface ExampleServerOptions {
  /** The example's folder: its build (dist/ or dist/browser/) is served, its node_modules has the kit. */
  appDir: string;
  /** The provider's issuer; a function is read per request (a test may start the provider after this server). */
  issuer: string | (() => string);
  clientId: string;
  clientSecret: string;
  /** The recipient share links are for. */
  recipientId: string;
  /** Shown on the share button. Default "Recipient". */
  recipientName?: string;
  /** The callback page's path (a registered redirect URI with the origin). Default `/callback.html`. */
  callbackPath?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
}

export interface RunningExampleServer {
  /** `http://<host>:<port>`: register `<origin>/callback.html` as a redirect URI at the provider. */
  origin: string;
  close(): Promise<void>;
}

export function startExampleServer(options: ExampleServerOptions): Promise<RunningExampleServer>;
