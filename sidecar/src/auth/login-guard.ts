import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterStore } from '../gateway/rate-limit';

/**
 * Brute-force protection for the sign-in form, modelled on OpenCart's own rule (NOTES §5: after
 * config_login_attempts failures a username is refused, even with the right password, until an hour
 * after the last failure; a success clears the count) but keyed so one attacker cannot lock the owner
 * out from everywhere:
 *  - username + IP: 5 failures within an hour block that pair for an hour; a success clears it;
 *  - username (any IP): 20 failures within an hour block the name for an hour (distributed guessing);
 *  - IP (any username): 50 failures within a day block the address for a day (credential stuffing).
 * Only failures count, and a blocked attempt never reaches the password check.
 */

export interface LoginGuardLimits {
  perUserIp: number;
  perUser: number;
  perIp: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginGuardLimits = { perUserIp: 5, perUser: 20, perIp: 50 };

export interface LoginCheck {
  allowed: boolean;
  /** Seconds until the longest applicable block ends. */
  retryAfterSeconds: number;
}

export class LoginGuard {
  private readonly userIp: RateLimiterAbstract;
  private readonly user: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;

  constructor(store: LimiterStore, limits: LoginGuardLimits = DEFAULT_LOGIN_LIMITS) {
    this.userIp = store.create({ keyPrefix: 'login_user_ip', points: limits.perUserIp, duration: 3600, blockDuration: 3600 });
    this.user = store.create({ keyPrefix: 'login_user', points: limits.perUser, duration: 3600, blockDuration: 3600 });
    this.ip = store.create({ keyPrefix: 'login_ip', points: limits.perIp, duration: 86400, blockDuration: 86400 });
  }

  private static keys(username: string, ip: string) {
    const user = username.trim().toLowerCase();
    return { userIp: `${user}|${ip}`, user, ip };
  }

  async check(username: string, ip: string): Promise<LoginCheck> {
    const k = LoginGuard.keys(username, ip);
    const [a, b, c] = await Promise.all([this.userIp.get(k.userIp), this.user.get(k.user), this.ip.get(k.ip)]);
    let retry = 0;
    for (const [res, limiter] of [
      [a, this.userIp],
      [b, this.user],
      [c, this.ip],
    ] as const) {
      if (res && res.consumedPoints >= limiter.points) retry = Math.max(retry, Math.ceil(res.msBeforeNext / 1000));
    }
    return { allowed: retry === 0, retryAfterSeconds: retry };
  }

  async failed(username: string, ip: string): Promise<void> {
    const k = LoginGuard.keys(username, ip);
    // Past the limit consume() rejects (and rate-limiter-flexible starts the block); that is expected here.
    await Promise.all([this.bump(this.userIp, k.userIp), this.bump(this.user, k.user), this.bump(this.ip, k.ip)]);
  }

  private async bump(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof Error) throw err;
      // Over the limit: rate-limiter-flexible has blocked the key for blockDuration.
    }
  }

  async succeeded(username: string, ip: string): Promise<void> {
    await this.userIp.delete(LoginGuard.keys(username, ip).userIp);
  }
}
