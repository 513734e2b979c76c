import { serverConnection, TEST_SERVER_URL } from './db';

/** Fail once, clearly, when the database server is not there, instead of in every suite. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    try {
      const conn = await serverConnection();
      await conn.end();
    } catch (err) {
      throw new Error(`MariaDB is not reachable at ${TEST_SERVER_URL} (${(err as Error).message}); start it or run .ci/run`);
    }
  },
};
