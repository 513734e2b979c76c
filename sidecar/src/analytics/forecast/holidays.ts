import { weekday } from '../calendar';

/**
 * Public-holiday calendars, as day indices (days since 1970-01-01). closures.ts uses one only when a
 * shop's own history shows that it closes on those days.
 */

/**
 * Kinds of holiday a shop may close on independently (a Turkish shop may shut for the bayrams and
 * trade on 23 April; an online shop may shut on bank holidays and trade on Easter Sunday).
 * 'trading-law': days no bank holiday, on which a law shuts large shops.
 */
export type HolidayKind = 'religious' | 'national' | 'trading-law';

/** A holiday day tagged with its kind and the first day of the holiday it belongs to (a bayram's days share it). */
export interface Holiday {
  day: number;
  kind: HolidayKind;
  first: number;
  /** Whose verdict to follow while the history holds too few of this kind to judge it. */
  orElse?: HolidayKind;
}

/**
 * A year's closing days. Plain day indices are one kind, each day a holiday of its own (England and
 * Wales); tagged days are judged by kind, several days sharing `first` as one holiday (a bayram).
 */
export type HolidayCalendar = (year: number) => ReadonlyArray<number | Holiday>;

/** Easter Sunday (anonymous Gregorian algorithm) as a day index. */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utcDay(year, month, day);
}

function utcDay(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}

function parseDay(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return utcDay(y, m, d);
}

/** First (n = 1) or last (n = -1) Monday of a month. */
function monday(year: number, month: number, n: 1 | -1): number {
  if (n === 1) {
    const first = utcDay(year, month, 1);
    return first + ((8 - weekday(first)) % 7);
  }
  const last = utcDay(year, month + 1, 1) - 1;
  return last - ((weekday(last) + 6) % 7);
}

/**
 * Changes to the standing rules proclaimed for single years in England and Wales (gov.uk's list of
 * bank holidays, and the proclamations before it, 1995 onwards): days moved (`from` → `to`) and extra
 * days. Proclaimed months ahead (the 2022 state funeral: ten days), so a live shop knows them before
 * they come; a new proclamation has to be added here.
 */
const ENGLAND_WALES_PROCLAIMED: Record<number, { moved?: Array<[string, string]>; extra?: string[] }> = {
  1995: { moved: [['1995-05-01', '1995-05-08']] }, // VE Day, 50th anniversary
  1999: { extra: ['1999-12-31'] }, // millennium
  2002: { moved: [['2002-05-27', '2002-06-04']], extra: ['2002-06-03'] }, // Golden Jubilee
  2011: { extra: ['2011-04-29'] }, // royal wedding
  2012: { moved: [['2012-05-28', '2012-06-04']], extra: ['2012-06-05'] }, // Diamond Jubilee
  2020: { moved: [['2020-05-04', '2020-05-08']] }, // VE Day, 75th anniversary
  2022: { moved: [['2022-05-30', '2022-06-02']], extra: ['2022-06-03', '2022-09-19'] }, // Platinum Jubilee; state funeral
  2023: { extra: ['2023-05-08'] }, // coronation
};

/**
 * Days shops in England and Wales close: the bank holidays (New Year's Day, Good Friday, Easter
 * Monday, the first and last Monday of May, the last Monday of August, Christmas and Boxing Day, with
 * weekend substitutes, and the proclaimed changes above), Christmas Day itself when it falls on a
 * weekend, and Easter Sunday, on which the Sunday Trading Act 1994 keeps large shops shut (it is no
 * bank holiday only because it is a Sunday).
 */
export function englandWalesHolidays(year: number): number[] {
  const out: number[] = [];
  const newYear = utcDay(year, 1, 1);
  const nyw = weekday(newYear);
  out.push(nyw === 6 ? newYear + 2 : nyw === 0 ? newYear + 1 : newYear);
  const easter = easterSunday(year);
  out.push(easter - 2, easter, easter + 1);
  out.push(monday(year, 5, 1), monday(year, 5, -1), monday(year, 8, -1));
  const xmas = utcDay(year, 12, 25);
  const xw = weekday(xmas);
  // Christmas on Saturday → Monday 27 and Tuesday 28; on Sunday → Boxing Day Monday, Christmas Tuesday; Friday → Boxing Monday 28.
  if (xw === 6) out.push(xmas, xmas + 2, xmas + 3);
  else if (xw === 0) out.push(xmas, xmas + 1, xmas + 2);
  else if (xw === 5) out.push(xmas, xmas + 3);
  else out.push(xmas, xmas + 1);
  const proclaimed = ENGLAND_WALES_PROCLAIMED[year];
  if (!proclaimed) return out;
  const moved = new Map((proclaimed.moved ?? []).map(([from, to]) => [parseDay(from), parseDay(to)]));
  return [...out.map((d) => moved.get(d) ?? d), ...(proclaimed.extra ?? []).map(parseDay)];
}

/**
 * First days of Ramazan Bayramı (1 Şevval) and Kurban Bayramı (10 Zilhicce) in Turkey, as the
 * Presidency of Religious Affairs (Diyanet) calendar gives them: the dates the state holiday follows.
 * Diyanet computes its calendar in advance and it is not the Umm al-Qura calendar: they differ by a
 * day in 2010 (Ramazan; Umm al-Qura 09-10), 2012 (Kurban; 10-26), 2015 (Kurban; 09-23) and 2016
 * (Ramazan 07-06, Kurban 09-11). Sources, every year checked against at least one:
 * - all years: the `holidays` library (vacanza/holidays, holidays/countries/turkey.py, its
 *   TurkeyIslamicHolidays table, which cites Diyanet's hicriden_miladiye converter);
 * - 2011–2027: holidata (holidata/holidata, tr_TR; it lists the arife, the day before; its 2019
 *   Ramazan entry is a day late, against vacanza and the 2019 news below);
 * - Diyanet's own "2016 Yılı Resmi Tatil Günleri" (www2.diyanet.gov.tr);
 * - published holiday lists and news: 2011 ayisigiblog 2011 tatil list; 2012 AA via shaber3; 2013
 *   haberdar (Ramazan); 2014 sifalibitkilerim (Ramazan), cokiyiabi (Kurban); 2015 milatgazetesi, sozcu;
 *   2016 sabah; 2017 mynet (Ramazan), sabah (Kurban); 2018 onlinebilgin (table after Diyanet's), mynet;
 *   2019 cnnturk, milliyet; 2020 milliyet (Diyanet's 2020 list), takvim; 2021 trthaber, superhaber;
 *   2022 medyaankara, hurriyet; 2023 sabah (Diyanet's 2023 list), milliyet; 2024 haberfirsat, takvim;
 *   2025 ekoltv, nobetcigazete; 2026 haberturk, ntv, ekonomist (Diyanet's 2026 list).
 * 2010 and 2028–2030 rest on vacanza's table alone (no independent page was found; Umm al-Qura agrees
 * except 2010 Ramazan, one of vacanza's listed differences). Add a year when Diyanet publishes it.
 */
const DIYANET_BAYRAMS: Record<number, readonly [ramazan: string, kurban: string]> = {
  2010: ['09-09', '11-16'],
  2011: ['08-30', '11-06'],
  2012: ['08-19', '10-25'],
  2013: ['08-08', '10-15'],
  2014: ['07-28', '10-04'],
  2015: ['07-17', '09-24'],
  2016: ['07-05', '09-12'],
  2017: ['06-25', '09-01'],
  2018: ['06-15', '08-21'],
  2019: ['06-04', '08-11'],
  2020: ['05-24', '07-31'],
  2021: ['05-13', '07-20'],
  2022: ['05-02', '07-09'],
  2023: ['04-21', '06-28'],
  2024: ['04-10', '06-16'],
  2025: ['03-30', '06-06'],
  2026: ['03-20', '05-27'],
  2027: ['03-09', '05-16'],
  2028: ['02-26', '05-05'],
  2029: ['02-14', '04-24'],
  2030: ['02-04', '04-13'],
};

/** Ramazan Bayramı is three days, Kurban Bayramı four (Law 2429), each from its first day. */
const RAMAZAN_DAYS = 3;
const KURBAN_DAYS = 4;

const UMM_AL_QURA = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', { timeZone: 'UTC', month: 'numeric', day: 'numeric' });
type BayramStarts = { readonly ramazan: readonly number[]; readonly kurban: readonly number[] };
const ummAlQuraCache = new Map<number, BayramStarts>();

/**
 * First days of the bayrams in a Gregorian year by the Umm al-Qura calendar (Node's full ICU; a
 * lunar year is shorter, so a year can hold two of one bayram). Empty where ICU lacks the calendar.
 */
export function ummAlQuraBayramStarts(year: number): BayramStarts {
  const cached = ummAlQuraCache.get(year);
  if (cached) return cached;
  const out = { ramazan: [] as number[], kurban: [] as number[] };
  if (UMM_AL_QURA.resolvedOptions().calendar === 'islamic-umalqura') {
    for (let d = utcDay(year, 1, 1); d < utcDay(year + 1, 1, 1); d++) {
      const parts = UMM_AL_QURA.formatToParts(new Date(d * 86_400_000));
      const month = Number(parts.find((p) => p.type === 'month')?.value);
      const day = Number(parts.find((p) => p.type === 'day')?.value);
      if (month === 10 && day === 1) out.ramazan.push(d);
      if (month === 12 && day === 10) out.kurban.push(d);
    }
  }
  ummAlQuraCache.set(year, out);
  return out;
}

/**
 * First days of the bayrams in Turkey in a Gregorian year: Diyanet's, from the table above; for a
 * year outside it, Umm al-Qura's (it can be a day off Diyanet's, see above: better than no bayram).
 */
export function bayramStarts(year: number): BayramStarts {
  const known = DIYANET_BAYRAMS[year];
  if (!known) return ummAlQuraBayramStarts(year);
  const [ramazan, kurban] = known.map((md) => parseDay(`${year}-${md}`)) as [number, number];
  return { ramazan: [ramazan], kurban: [kurban] };
}

/**
 * Days Turkish shops may close, by Law 2429 on national holidays and general holidays as amended:
 * national days 1 January, 23 April, 1 May (again since 2009, Law 5892), 19 May, 15 July (since 2017),
 * 30 August and 29 October; religious days Ramazan Bayramı (3 days) and Kurban Bayramı (4 days), one
 * holiday each. Left out: the half days (28 October and each bayram's arife, off from 13:00): shops
 * trade at least in the morning, so they are no closed days. Left out too: the extra
 * "administrative leave" days (idari izin) the government adds around bayrams: leave for public
 * servants only, private employers and shops work as usual. A bayram that starts in December keeps
 * its January days in the next year's list.
 */
export function turkeyHolidays(year: number): Holiday[] {
  const out: Holiday[] = [];
  const national = (month: number, day: number) => {
    const d = utcDay(year, month, day);
    out.push({ day: d, kind: 'national', first: d });
  };
  national(1, 1);
  national(4, 23);
  if (year >= 2009) national(5, 1);
  national(5, 19);
  if (year >= 2017) national(7, 15);
  national(8, 30);
  national(10, 29);
  const firstDay = utcDay(year, 1, 1);
  const nextYear = utcDay(year + 1, 1, 1);
  for (const y of [year - 1, year]) {
    const { ramazan, kurban } = bayramStarts(y);
    for (const [starts, length] of [[ramazan, RAMAZAN_DAYS], [kurban, KURBAN_DAYS]] as const) {
      for (const first of starts) {
        for (let d = first; d < first + length; d++) if (d >= firstDay && d < nextYear) out.push({ day: d, kind: 'religious', first });
      }
    }
  }
  return out;
}

/**
 * England and Wales as the closure gate reads it: the bank holidays are one kind; Easter Sunday
 * (Sunday Trading Act 1994) and Christmas Day on a weekend (Christmas Day (Trading) Act 2004) are
 * another, 'trading-law', since those laws bind large shops and an online shop that shuts on bank
 * holidays may still trade then. Judged on their own once the history holds two of them; until then
 * they follow the bank holidays, as a shop that shuts for those most likely shuts for these too.
 */
export function englandWales(year: number): Holiday[] {
  const easter = easterSunday(year);
  const xmas = utcDay(year, 12, 25);
  const law = (d: number) => d === easter || (d === xmas && (weekday(d) === 0 || weekday(d) === 6));
  return englandWalesHolidays(year).map((d) => (law(d) ? { day: d, kind: 'trading-law', first: d, orElse: 'national' } : { day: d, kind: 'national', first: d }));
}

/** The holiday calendar for a shop's IANA time zone, where one is known (else none). */
export function holidayCalendarFor(timezone: string): HolidayCalendar | undefined {
  if (timezone === 'Europe/London') return englandWales;
  // Asia/Istanbul and Turkey are IANA links to Europe/Istanbul.
  if (timezone === 'Europe/Istanbul' || timezone === 'Asia/Istanbul' || timezone === 'Turkey') return turkeyHolidays;
  return undefined;
}
