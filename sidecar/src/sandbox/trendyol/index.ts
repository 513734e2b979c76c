import express, { type NextFunction, type Request, type Response } from 'express';
import { listen } from '../common/server';
import { mountInsightRoutes } from './api-insights';
import { mountOrderRoutes } from './api-orders';
import { mountProductRoutes } from './api-products';
import { controlRouter, TrendyolSandboxControl } from './control';
import { errorBody } from './errors';
import type { Seller } from './model';
import type { TrendyolSandboxSettings } from './settings';
import { DEFAULT_SELLER, TrendyolSandboxState } from './state';

export { TrendyolSandboxControl, type PackageAction, type StockView } from './control';
export { TrendyolSandboxState, DEFAULT_SELLER } from './state';
export { DEFAULT_SETTINGS, type TrendyolSandboxSettings } from './settings';
export type { Seller } from './model';
export type { CreateOrderInput } from './orders-store';
export type { PlantQuestion, QuestionStatus as SandboxQuestionStatus } from './insights-store';
export { CATEGORY_TREE, CATEGORY_ATTRIBUTES, ATTRIBUTES, BRANDS, CARGO_PROVIDERS } from './catalog-data';

export interface TrendyolSandboxOptions {
  /** 0 (default) = any free port. */
  port?: number;
  host?: string;
  /** Where the API lives, as on Trendyol's gateway. */
  basePath?: string;
  /** Where the control API lives. */
  controlPath?: string;
  sellers?: Seller[];
  settings?: Partial<TrendyolSandboxSettings>;
  /** Clock for record timestamps (tests freeze it to make ties); default Date.now. */
  now?: () => number;
}

export interface TrendyolSandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The API base URL to give an adapter: `${url}${basePath}`. */
  baseUrl: string;
  controlUrl: string;
  port: number;
  state: TrendyolSandboxState;
  control: TrendyolSandboxControl;
  sellers: Seller[];
  close(): Promise<void>;
}

/** Starts an in-memory Trendyol seller API on its own port (see docs/marketplaces/trendyol.md). */
export async function startTrendyolSandbox(options: TrendyolSandboxOptions = {}): Promise<TrendyolSandbox> {
  const basePath = options.basePath ?? '/integration';
  const controlPath = options.controlPath ?? '/_control';
  const sellers = options.sellers ?? [DEFAULT_SELLER];
  const state = new TrendyolSandboxState({ sellers, settings: options.settings, now: options.now });
  const control = new TrendyolSandboxControl(state);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '50mb' }));
  const api = express.Router();
  mountProductRoutes(api, state);
  mountOrderRoutes(api, state);
  mountInsightRoutes(api, state);
  app.use(basePath, api);
  app.use(controlPath, controlRouter(control));
  app.use((req: Request, res: Response) => {
    res.status(404).json(errorBody(404, 'NotFoundException', 'path.not.found', `${req.method} ${req.path} bulunamadı.`, Date.now()));
  });
  // Malformed JSON bodies get Trendyol's error format instead of express's HTML page.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json(errorBody(status, 'ClientApiBusinessException', err.type ?? 'request.invalid', err.message, Date.now()));
  });

  const server = await listen(app, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: server.url,
    baseUrl: `${server.url}${basePath}`,
    controlUrl: `${server.url}${controlPath}`,
    port: server.port,
    state,
    control,
    sellers: [...state.sellers.values()],
    close: async () => {
      await state.webhooks.idle().catch(() => undefined);
      await server.close();
    },
  };
}
