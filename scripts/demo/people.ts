import { encodeOcText } from '../../sidecar/src/db/opencart/text';
import { insert, LANG, type SeedContext } from './context';
import { COUNTRIES, FOREIGN_PLACES, TURKEY_ID, TURKISH_CITIES, countryName, zoneName, type ForeignPlace } from './geo';
import type { Rng } from './prng';
import { CUSTOMER_GROUP } from './reference';
import { opencartPassword, token } from './settings';
import { addDays, atTime } from './time';
import { slug } from './util';

/** Customers and guest buyers: Turkish names and addresses (district as city, province as zone). */

const FEMALE = ['Ayşe', 'Fatma', 'Elif', 'Zeynep', 'Merve', 'Büşra', 'Esra', 'Selin', 'Deniz', 'Ebru', 'Gizem', 'Özge', 'Derya', 'Sevgi', 'Hülya', 'Nur', 'İrem', 'Ceren', 'Tuğba', 'Şeyma', 'Melike', 'Aslı', 'Damla', 'Gül'];
const MALE = ['Mehmet', 'Mustafa', 'Ahmet', 'Ali', 'Hüseyin', 'Hasan', 'İbrahim', 'Murat', 'Emre', 'Burak', 'Can', 'Onur', 'Serkan', 'Oğuz', 'Kerem', 'Barış', 'Yusuf', 'Ömer', 'Cem', 'Tolga', 'Uğur', 'Selim', 'Kaan', 'Volkan'];
const SURNAMES = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan', 'Doğan', 'Kılıç', 'Aslan', 'Çetin', 'Kara', 'Koç', 'Kurt', 'Özkan', 'Şimşek', 'Polat', 'Erdoğan', 'Güneş', 'Aksoy', 'Korkmaz', 'Tekin', 'Akın', 'Karaca', 'Ünal', 'Bulut'];
const FOREIGN_FIRST = ['Lukas', 'Anna', 'Sophie', 'Jan', 'Emma', 'Daan', 'Oliver', 'Amelia', 'Nikos', 'Maria', 'Leyla', 'Rashad'];
const FOREIGN_LAST = ['Müller', 'Schmidt', 'de Vries', 'Jansen', 'Smith', 'Brown', 'Papadopoulos', 'Ivanova', 'Aliyev', 'Mammadova'];
const NEIGHBOURHOODS = ['Cumhuriyet', 'Atatürk', 'Fatih', 'Yeni', 'Merkez', 'Bahçelievler', 'Gazi', 'Hürriyet', 'Mimar Sinan', 'İstiklal', 'Barbaros', 'Yavuz Selim'];
const STREETS = ['Gül', 'Lale', 'Menekşe', 'Çınar', 'Akasya', 'Papatya', 'Zambak', 'Nergis', 'Kardelen', 'Söğüt', 'Ihlamur', 'Manolya'];
const COMPANIES = ['Yıldız Butik Ltd. Şti.', 'Deniz Tekstil A.Ş.', 'Anka Ticaret', 'Kuzey Mağazacılık Ltd. Şti.', 'Ege Hediyelik & Dekorasyon', 'Toros Elektronik'];
const DOMAINS = ['example.com', 'example.net', 'example.org'];

export interface Address {
  firstname: string;
  lastname: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  postcode: string;
  countryId: number;
  zoneId: number;
}

export interface Person {
  firstname: string;
  lastname: string;
  email: string;
  telephone: string;
  address: Address;
  languageId: number;
  /** Set for buyers abroad: their currency and browser language. */
  foreign: ForeignPlace | null;
}

export interface SeededCustomer extends Person {
  id: number;
  groupId: number;
  dateAdded: string;
  /** How often this customer comes back, relative to others. */
  loyalty: number;
}

const DIAL_CODE: Record<number, string> = { 81: '49', 150: '31', 222: '44', 223: '1', 15: '994', 33: '359', 84: '30', 55: '357' };

/** A buyer: 96 % in Turkey (weighted by city), the rest in the diaspora and neighbouring countries. */
export function makePerson(rng: Rng, usedEmails: Set<string>, opts: { foreign?: boolean; company?: boolean } = {}): Person {
  const abroad = opts.foreign ?? rng.chance(0.04);
  const place = abroad ? rng.weighted(FOREIGN_PLACES, (p) => p.weight) : null;
  // Many buyers abroad are Turkish-speaking; the rest get English pages.
  const turkishName = !place || rng.chance(0.55);
  const female = rng.chance(0.55);
  const firstname = turkishName ? rng.pick(female ? FEMALE : MALE) : rng.pick(FOREIGN_FIRST);
  const lastname = turkishName ? rng.pick(SURNAMES) : rng.pick(FOREIGN_LAST);
  let email = `${slug(firstname)}.${slug(lastname)}@${rng.pick(DOMAINS)}`.replace(/-/g, '');
  for (let n = 2; usedEmails.has(email); n++) email = email.replace(/\d*@/, `${n}@`);
  usedEmails.add(email);
  const company = opts.company ? rng.pick(COMPANIES) : '';
  let address: Address;
  let telephone: string;
  if (place) {
    address = { firstname, lastname, company, address_1: `${place.street} ${rng.int(1, 180)}`, address_2: '', city: place.city, postcode: place.postcode, countryId: place.countryId, zoneId: place.zoneId };
    telephone = `+${DIAL_CODE[place.countryId] ?? '00'} ${rng.digits(3)} ${rng.digits(7)}`;
  } else {
    const city = rng.weighted(TURKISH_CITIES, (c) => c.weight);
    const district = rng.pick(city.districts);
    address = {
      firstname,
      lastname,
      company,
      address_1: `${rng.pick(NEIGHBOURHOODS)} Mah. ${rng.pick(STREETS)} Sok. No:${rng.int(1, 120)} D:${rng.int(1, 24)}`,
      address_2: rng.chance(0.2) ? `Kat ${rng.int(1, 12)}` : '',
      city: district,
      postcode: `${city.plate}${rng.digits(3)}`,
      countryId: TURKEY_ID,
      zoneId: city.zoneId,
    };
    telephone = `05${rng.pick(['30', '32', '33', '35', '36', '38', '42', '43', '44', '45', '50', '53', '54', '55'])} ${rng.digits(3)} ${rng.digits(2)} ${rng.digits(2)}`;
  }
  const languageId = place && !turkishName ? LANG.en : LANG.tr;
  return { firstname, lastname, email, telephone, address, languageId, foreign: place };
}

export function addressFormat(countryId: number): string {
  return COUNTRIES.find((c) => c.country_id === countryId)?.address_format ?? '';
}

export { countryName, zoneName };

export async function seedCustomers(ctx: SeedContext, count: number, usedEmails: Set<string>): Promise<SeededCustomer[]> {
  const { rng } = ctx;
  const customers: SeededCustomer[] = [];
  const customerRows: Array<Record<string, unknown>> = [];
  const addressRows: Array<Record<string, unknown>> = [];
  for (let id = 1; id <= count; id++) {
    const wholesale = rng.chance(0.05);
    const person = makePerson(rng, usedEmails, { company: wholesale });
    // Sign-ups grow over time: more customers joined recently.
    const ageDays = Math.floor(Math.pow(rng.next(), 1.4) * 730);
    const dateAdded = atTime(addDays(ctx.clock.today.date, -ageDays), rng.int(8, 23), rng.int(0, 59), rng.int(0, 59));
    const customer: SeededCustomer = {
      ...person,
      id,
      groupId: wholesale ? CUSTOMER_GROUP.wholesale : CUSTOMER_GROUP.default,
      dateAdded: dateAdded > ctx.clock.now ? ctx.clock.now : dateAdded,
      loyalty: wholesale ? 4 : Math.pow(rng.next(), 3) * 6 + 0.3,
    };
    customers.push(customer);
    const salt = token(9);
    customerRows.push({
      customer_id: id,
      customer_group_id: customer.groupId,
      store_id: 0,
      language_id: customer.languageId,
      firstname: encodeOcText(customer.firstname),
      lastname: encodeOcText(customer.lastname),
      email: customer.email,
      telephone: customer.telephone,
      fax: '',
      password: opencartPassword(token(12), salt),
      salt,
      cart: null,
      wishlist: null,
      newsletter: rng.chance(0.35) ? 1 : 0,
      address_id: id,
      custom_field: '',
      ip: `203.0.113.${rng.int(1, 254)}`,
      status: 1,
      safe: 0,
      token: '',
      code: '',
      date_added: customer.dateAdded,
    });
    const a = customer.address;
    addressRows.push({
      address_id: id,
      customer_id: id,
      firstname: encodeOcText(a.firstname),
      lastname: encodeOcText(a.lastname),
      // oc_address.company is varchar(40).
      company: encodeOcText(a.company).slice(0, 40),
      address_1: encodeOcText(a.address_1),
      address_2: encodeOcText(a.address_2),
      city: encodeOcText(a.city),
      postcode: a.postcode,
      country_id: a.countryId,
      zone_id: a.zoneId,
      custom_field: '',
    });
  }
  await insert(ctx, 'customer', customerRows);
  await insert(ctx, 'address', addressRows);
  return customers;
}
