/**
 * The OAuth server's pages (sign-in, consent, errors) in Turkish and English. Plain HTML with no script,
 * every dynamic value escaped; forms post back to the same origin.
 */

export type Lang = 'tr' | 'en';

const TEXT = {
  tr: {
    title: 'MesChain-Sync',
    signIn: 'Giriş yap',
    signInLead: 'OpenCart yönetici hesabınızla giriş yapın.',
    username: 'Kullanıcı adı',
    password: 'Şifre',
    submit: 'Giriş yap',
    failed: 'Kullanıcı adı veya şifre hatalı ya da hesap devre dışı.',
    noRole: 'Bu OpenCart kullanıcı grubunun MesChain-Sync erişimi yok.',
    locked: 'Çok fazla başarısız deneme. Lütfen daha sonra tekrar deneyin.',
    bridgeFailed: 'OpenCart yönetim paneli oturumu doğrulanamadı.',
    consent: 'Erişim izni',
    consentLead: (client: string) => `${client} uygulaması mağazanızda şu işlemleri yapmak istiyor:`,
    allow: 'İzin ver',
    deny: 'Reddet',
    error: 'Bir sorun oluştu',
    other: 'English',
  },
  en: {
    title: 'MesChain-Sync',
    signIn: 'Sign in',
    signInLead: 'Sign in with your OpenCart admin account.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    failed: 'Wrong username or password, or the account is disabled.',
    noRole: 'This OpenCart user group has no access to MesChain-Sync.',
    locked: 'Too many failed attempts. Please try again later.',
    bridgeFailed: 'The OpenCart admin session could not be verified.',
    consent: 'Allow access',
    consentLead: (client: string) => `${client} wants to do the following in your store:`,
    allow: 'Allow',
    deny: 'Deny',
    error: 'Something went wrong',
    other: 'Türkçe',
  },
} as const;

/** Scope descriptions shown on the consent page. */
const SCOPES: Record<string, [string, string]> = {
  'products:read': ['Ürün kataloğunu okumak', 'Read the product catalog'],
  'listings:read': ['Pazaryeri ilanlarını okumak', 'Read marketplace listings'],
  'listings:write': ['Pazaryeri ilanlarını değiştirmek', 'Change marketplace listings'],
  'orders:read': ['Siparişleri okumak', 'Read orders'],
  'orders:write': ['Siparişleri işlemek', 'Process orders'],
  'stock:read': ['Stok seviyelerini okumak', 'Read stock levels'],
  'stock:write': ['Stok seviyelerini değiştirmek', 'Change stock levels'],
  'sync:read': ['Senkronizasyon işlerini görmek', 'See sync jobs'],
  'sync:run': ['Senkronizasyon başlatmak', 'Start syncs'],
  'marketplaces:read': ['Pazaryeri hesaplarını görmek', 'See marketplace accounts'],
  'marketplaces:write': ['Pazaryeri hesaplarını değiştirmek', 'Change marketplace accounts'],
  'variants:read': ['Varyant eşleştirmelerini görmek', 'See variant mappings'],
  'variants:write': ['Varyant eşleştirmelerini değiştirmek', 'Change variant mappings'],
  'analytics:read': ['Tahmin ve analizleri görmek', 'See forecasts and analytics'],
  'analytics:write': ['Modelleri yeniden eğitmek', 'Retrain models'],
  'audit:read': ['Denetim kaydını okumak', 'Read the audit log'],
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function pickLang(queryLang: unknown, acceptLanguage: string | undefined, uiLocales?: unknown): Lang {
  for (const v of [queryLang, uiLocales]) if (typeof v === 'string' && v.trim()) return v.trim().toLowerCase().startsWith('tr') ? 'tr' : 'en';
  return (acceptLanguage ?? '').trim().toLowerCase().startsWith('en') ? 'en' : 'tr';
}

function layout(lang: Lang, title: string, body: string, switchHref?: string): string {
  const t = TEXT[lang];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · ${t.title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.err{color:#a00}.lang{float:right;font-size:.9rem}</style></head>
<body>${switchHref ? `<a class="lang" href="${escapeHtml(switchHref)}">${t.other}</a>` : ''}<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function loginPage(opts: { lang: Lang; action: string; error?: 'failed' | 'noRole' | 'locked' | 'bridgeFailed'; username?: string; switchHref?: string }): string {
  const t = TEXT[opts.lang];
  const err = opts.error ? `<p class="err" role="alert">${t[opts.error]}</p>` : '';
  return layout(
    opts.lang,
    t.signIn,
    `<p>${t.signInLead}</p>${err}
<form method="post" action="${escapeHtml(opts.action)}" autocomplete="off">
<label for="username">${t.username}</label><input id="username" name="username" maxlength="20" required value="${escapeHtml(opts.username ?? '')}">
<label for="password">${t.password}</label><input id="password" name="password" type="password" required>
<button type="submit">${t.submit}</button></form>`,
    opts.switchHref,
  );
}

export function consentPage(opts: { lang: Lang; action: string; abortAction: string; clientName: string; scopes: string[]; switchHref?: string }): string {
  const t = TEXT[opts.lang];
  const items = opts.scopes.map((s) => `<li>${escapeHtml(SCOPES[s]?.[opts.lang === 'tr' ? 0 : 1] ?? s)} <code>${escapeHtml(s)}</code></li>`).join('');
  return layout(
    opts.lang,
    t.consent,
    `<p>${escapeHtml(t.consentLead(opts.clientName))}</p><ul>${items}</ul>
<form method="post" action="${escapeHtml(opts.action)}"><button type="submit" name="decision" value="allow">${t.allow}</button></form>
<form method="post" action="${escapeHtml(opts.abortAction)}"><button type="submit" name="decision" value="deny">${t.deny}</button></form>`,
    opts.switchHref,
  );
}

export function errorPage(lang: Lang, code: string, description: string): string {
  const t = TEXT[lang];
  return layout(lang, t.error, `<p class="err"><strong>${escapeHtml(code)}</strong></p><p>${escapeHtml(description)}</p>`);
}
