import type { OcContext, AddressInput } from '../../db/opencart';
import { decodeOcText } from '../../db/opencart';
import type { Address } from '../../marketplaces/types';

/**
 * Marketplace addresses → OpenCart address blocks. OpenCart keys an address by country_id and zone_id
 * (its zones are Turkey's 81 provinces, e.g. İstanbul = 3354), while marketplaces send names: Trendyol's
 * `city` is the province (il) and `district` the ilçe. So the province becomes the zone and the district
 * the city, as a Turkish shopper would fill OpenCart's own form. Names are compared folded (Turkish
 * lower-casing, diacritics off, entities decoded: shops may store zone names entity-encoded) with a few
 * common alternative names; an unknown province leaves zone_id 0 rather than guessing.
 */

const FOLD: Record<string, string> = { ı: 'i', ş: 's', ğ: 'g', ü: 'u', ö: 'o', ç: 'c', â: 'a', î: 'i', û: 'u', é: 'e', è: 'e' };

export function foldName(name: string): string {
  return decodeOcText(name)
    .toLocaleLowerCase('tr-TR')
    .normalize('NFC')
    .replace(/[ışğüöçâîûéè]/g, (c) => FOLD[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

/** Alternative names people (and marketplaces) use for Turkish provinces, folded → folded zone name. */
const TR_ALIASES: Record<string, string> = {
  icel: 'mersin',
  afyon: 'afyonkarahisar',
  maras: 'kahramanmaras',
  kmaras: 'kahramanmaras',
  urfa: 'sanliurfa',
  surfa: 'sanliurfa',
  antep: 'gaziantep',
  izmit: 'kocaeli',
  adapazari: 'sakarya',
  antakya: 'hatay',
  istanbulavrupa: 'istanbul',
  istanbulanadolu: 'istanbul',
};

interface ZoneRow {
  zone_id: number;
  name: string;
}

interface CountryRow {
  country_id: number;
  name: string;
}

/** Countries and zones are reference data an owner rarely edits: one resolver per shop, renewed every few minutes. */
const SHARED_FOR_MS = 5 * 60_000;
const shared = new WeakMap<OcContext, { resolver: AddressResolver; until: number }>();

export class AddressResolver {
  private readonly countries = new Map<string, CountryRow | null>();
  private readonly zones = new Map<number, Map<string, ZoneRow>>();

  constructor(private readonly ctx: OcContext) {}

  /** The shop's shared resolver: its lookups are read once, not once per order. */
  static of(ctx: OcContext): AddressResolver {
    const hit = shared.get(ctx);
    if (hit && hit.until > Date.now()) return hit.resolver;
    const resolver = new AddressResolver(ctx);
    shared.set(ctx, { resolver, until: Date.now() + SHARED_FOR_MS });
    return resolver;
  }

  async country(isoCode: string): Promise<CountryRow | null> {
    const code = isoCode.trim().toUpperCase();
    if (!this.countries.has(code)) {
      const row = (await this.ctx.knex(this.ctx.table('country')).first('country_id', 'name').where('iso_code_2', code)) as CountryRow | undefined;
      this.countries.set(code, row ?? null);
    }
    return this.countries.get(code) ?? null;
  }

  async zone(countryId: number, name: string | undefined): Promise<ZoneRow | null> {
    if (!name || countryId <= 0) return null;
    let byName = this.zones.get(countryId);
    if (!byName) {
      const rows = (await this.ctx.knex(this.ctx.table('zone')).select('zone_id', 'name').where({ country_id: countryId, status: 1 })) as ZoneRow[];
      byName = new Map(rows.map((z) => [foldName(z.name), z]));
      this.zones.set(countryId, byName);
    }
    const folded = foldName(name);
    const direct = byName.get(folded) ?? byName.get(TR_ALIASES[folded] ?? '');
    if (direct) return direct;
    // "İstanbul (Avrupa)", "Ankara Merkez": the longest zone name the text starts with.
    let best: ZoneRow | null = null;
    let bestLength = 0;
    for (const [key, z] of byName) {
      if (key.length >= 3 && folded.startsWith(key) && key.length > bestLength) {
        best = z;
        bestLength = key.length;
      }
    }
    return best;
  }

  /** The OpenCart address block for createOrder (plain text; the data layer encodes it). */
  async toOpencart(a: Address): Promise<AddressInput> {
    const country = await this.country(a.countryCode || 'TR');
    const countryId = country?.country_id ?? 0;
    const province = a.region || a.city;
    const zone = await this.zone(countryId, province);
    const city = a.region ? a.city : a.district || a.city;
    return {
      firstname: clip(a.firstName, 32),
      lastname: clip(a.lastName, 32),
      company: clip(a.company ?? '', 60),
      address1: clip(a.line1, 128),
      address2: clip(a.line2 ?? '', 128),
      city: clip(city, 128),
      postcode: clip(a.postalCode ?? '', 10),
      countryId,
      zoneId: zone?.zone_id ?? 0,
      ...(country ? {} : { country: a.countryCode }),
      // An unknown province keeps its name on the order, so nothing the buyer wrote is lost.
      ...(zone ? {} : { zone: clip(province, 128) }),
    };
  }
}

/**
 * Cuts plain text so that it still fits after OpenCart's entity encoding (&, ", <, > grow), by code points.
 * The data layer refuses over-long values; a marketplace's long street name must not hold up an order.
 */
export function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  let out = '';
  let size = 0;
  for (const c of chars) {
    const w = c === '&' ? 5 : c === '"' ? 6 : c === '<' || c === '>' ? 4 : 1;
    if (size + w > max) break;
    out += c;
    size += w;
  }
  return out;
}
