/**
 * Geography the demo needs: OpenCart's own country and zone ids (data facts from OpenCart 3.0.x's
 * install data, so a demo order looks like one from a real shop), and where Turkish customers live.
 */

export const TURKEY_ID = 215;

export interface CountryRow {
  country_id: number;
  name: string;
  iso_code_2: string;
  iso_code_3: string;
  address_format: string;
  postcode_required: 0 | 1;
}

const DE_FORMAT = '{company}\r\n{firstname} {lastname}\r\n{address_1}\r\n{address_2}\r\n{postcode} {city}\r\n{country}';
const US_FORMAT = '{firstname} {lastname}\r\n{company}\r\n{address_1}\r\n{address_2}\r\n{city}, {zone} {postcode}\r\n{country}';

export const COUNTRIES: CountryRow[] = [
  { country_id: 215, name: 'Turkey', iso_code_2: 'TR', iso_code_3: 'TUR', address_format: '', postcode_required: 0 },
  { country_id: 81, name: 'Germany', iso_code_2: 'DE', iso_code_3: 'DEU', address_format: DE_FORMAT, postcode_required: 1 },
  { country_id: 150, name: 'Netherlands', iso_code_2: 'NL', iso_code_3: 'NLD', address_format: '', postcode_required: 0 },
  { country_id: 222, name: 'United Kingdom', iso_code_2: 'GB', iso_code_3: 'GBR', address_format: '', postcode_required: 1 },
  { country_id: 223, name: 'United States', iso_code_2: 'US', iso_code_3: 'USA', address_format: US_FORMAT, postcode_required: 0 },
  { country_id: 15, name: 'Azerbaijan', iso_code_2: 'AZ', iso_code_3: 'AZE', address_format: '', postcode_required: 0 },
  { country_id: 33, name: 'Bulgaria', iso_code_2: 'BG', iso_code_3: 'BGR', address_format: '', postcode_required: 0 },
  { country_id: 84, name: 'Greece', iso_code_2: 'GR', iso_code_3: 'GRC', address_format: '', postcode_required: 0 },
  { country_id: 55, name: 'Cyprus', iso_code_2: 'CY', iso_code_3: 'CYP', address_format: '', postcode_required: 0 },
];

/** Turkey's 81 provinces as OpenCart numbers them: [zone_id, name, code]. */
export const TURKISH_ZONES: Array<[number, string, string]> = [
  [3315, 'Adana', 'ADA'], [3316, 'Adıyaman', 'ADI'], [3317, 'Afyonkarahisar', 'AFY'],
  [3318, 'Ağrı', 'AGR'], [3319, 'Aksaray', 'AKS'], [3320, 'Amasya', 'AMA'],
  [3321, 'Ankara', 'ANK'], [3322, 'Antalya', 'ANT'], [3323, 'Ardahan', 'ARD'],
  [3324, 'Artvin', 'ART'], [3325, 'Aydın', 'AYI'], [3326, 'Balıkesir', 'BAL'],
  [3327, 'Bartın', 'BAR'], [3328, 'Batman', 'BAT'], [3329, 'Bayburt', 'BAY'],
  [3330, 'Bilecik', 'BIL'], [3331, 'Bingöl', 'BIN'], [3332, 'Bitlis', 'BIT'],
  [3333, 'Bolu', 'BOL'], [3334, 'Burdur', 'BRD'], [3335, 'Bursa', 'BRS'],
  [3336, 'Çanakkale', 'CKL'], [3337, 'Çankırı', 'CKR'], [3338, 'Çorum', 'COR'],
  [3339, 'Denizli', 'DEN'], [3340, 'Diyarbakır', 'DIY'], [3341, 'Düzce', 'DUZ'],
  [3342, 'Edirne', 'EDI'], [3343, 'Elazığ', 'ELA'], [3344, 'Erzincan', 'EZC'],
  [3345, 'Erzurum', 'EZR'], [3346, 'Eskişehir', 'ESK'], [3347, 'Gaziantep', 'GAZ'],
  [3348, 'Giresun', 'GIR'], [3349, 'Gümüşhane', 'GMS'], [3350, 'Hakkari', 'HKR'],
  [3351, 'Hatay', 'HTY'], [3352, 'Iğdır', 'IGD'], [3353, 'Isparta', 'ISP'],
  [3354, 'İstanbul', 'IST'], [3355, 'İzmir', 'IZM'], [3356, 'Kahramanmaraş', 'KAH'],
  [3357, 'Karabük', 'KRB'], [3358, 'Karaman', 'KRM'], [3359, 'Kars', 'KRS'],
  [3360, 'Kastamonu', 'KAS'], [3361, 'Kayseri', 'KAY'], [3362, 'Kilis', 'KLS'],
  [3363, 'Kırıkkale', 'KRK'], [3364, 'Kırklareli', 'KLR'], [3365, 'Kırşehir', 'KRH'],
  [3366, 'Kocaeli', 'KOC'], [3367, 'Konya', 'KON'], [3368, 'Kütahya', 'KUT'],
  [3369, 'Malatya', 'MAL'], [3370, 'Manisa', 'MAN'], [3371, 'Mardin', 'MAR'],
  [3372, 'Mersin', 'MER'], [3373, 'Muğla', 'MUG'], [3374, 'Muş', 'MUS'],
  [3375, 'Nevşehir', 'NEV'], [3376, 'Niğde', 'NIG'], [3377, 'Ordu', 'ORD'],
  [3378, 'Osmaniye', 'OSM'], [3379, 'Rize', 'RIZ'], [3380, 'Sakarya', 'SAK'],
  [3381, 'Samsun', 'SAM'], [3382, 'Şanlıurfa', 'SAN'], [3383, 'Siirt', 'SII'],
  [3384, 'Sinop', 'SIN'], [3385, 'Şırnak', 'SIR'], [3386, 'Sivas', 'SIV'],
  [3387, 'Tekirdağ', 'TEL'], [3388, 'Tokat', 'TOK'], [3389, 'Trabzon', 'TRA'],
  [3390, 'Tunceli', 'TUN'], [3391, 'Uşak', 'USK'], [3392, 'Van', 'VAN'],
  [3393, 'Yalova', 'YAL'], [3394, 'Yozgat', 'YOZ'], [3395, 'Zonguldak', 'ZON'],
];

/** The few foreign zones demo orders ship to: [zone_id, country_id, name, code]. */
export const FOREIGN_ZONES: Array<[number, number, string, string]> = [
  [1255, 81, 'Bayern', 'BAY'],
  [1256, 81, 'Berlin', 'BER'],
  [1259, 81, 'Hamburg', 'HAM'],
  [1260, 81, 'Hessen', 'HES'],
  [1263, 81, 'Nordrhein-Westfalen', 'NRW'],
  [2336, 150, 'Noord-Holland', 'NH'],
  [2340, 150, 'Zuid-Holland', 'ZH'],
  [3553, 222, 'Greater London', 'LDN'],
  [3624, 223, 'California', 'CA'],
  [3655, 223, 'New York', 'NY'],
  [216, 15, 'Baki', 'BA'],
  [497, 33, 'Sofia', ''],
  [1280, 84, 'Attica', 'AT'],
  [887, 55, 'Nicosia', 'N'],
];

export interface City {
  zoneId: number;
  /** Licence-plate number: the first two digits of the city's postcodes. */
  plate: string;
  /** Share of orders, roughly following population and online shopping. */
  weight: number;
  /** In Turkish shops the "city" field usually holds the district (ilçe); the province is the zone. */
  districts: string[];
}

export const TURKISH_CITIES: City[] = [
  { zoneId: 3354, plate: '34', weight: 30, districts: ['Kadıköy', 'Beşiktaş', 'Şişli', 'Üsküdar', 'Bakırköy', 'Ataşehir', 'Maltepe', 'Pendik', 'Beylikdüzü', 'Esenyurt', 'Sarıyer', 'Fatih', 'Kartal', 'Başakşehir'] },
  { zoneId: 3321, plate: '06', weight: 10, districts: ['Çankaya', 'Keçiören', 'Yenimahalle', 'Etimesgut', 'Mamak', 'Sincan'] },
  { zoneId: 3355, plate: '35', weight: 8, districts: ['Karşıyaka', 'Bornova', 'Konak', 'Buca', 'Çiğli', 'Bayraklı'] },
  { zoneId: 3335, plate: '16', weight: 5, districts: ['Nilüfer', 'Osmangazi', 'Yıldırım'] },
  { zoneId: 3322, plate: '07', weight: 4, districts: ['Muratpaşa', 'Konyaaltı', 'Kepez', 'Alanya'] },
  { zoneId: 3366, plate: '41', weight: 3, districts: ['İzmit', 'Gebze', 'Darıca'] },
  { zoneId: 3367, plate: '42', weight: 3, districts: ['Selçuklu', 'Meram', 'Karatay'] },
  { zoneId: 3315, plate: '01', weight: 3, districts: ['Seyhan', 'Çukurova', 'Yüreğir'] },
  { zoneId: 3347, plate: '27', weight: 2.5, districts: ['Şahinbey', 'Şehitkamil'] },
  { zoneId: 3372, plate: '33', weight: 2, districts: ['Yenişehir', 'Mezitli', 'Toroslar'] },
  { zoneId: 3361, plate: '38', weight: 2, districts: ['Melikgazi', 'Kocasinan', 'Talas'] },
  { zoneId: 3346, plate: '26', weight: 2, districts: ['Odunpazarı', 'Tepebaşı'] },
  { zoneId: 3381, plate: '55', weight: 1.5, districts: ['Atakum', 'İlkadım'] },
  { zoneId: 3389, plate: '61', weight: 1.2, districts: ['Ortahisar', 'Akçaabat'] },
  { zoneId: 3339, plate: '20', weight: 1.2, districts: ['Pamukkale', 'Merkezefendi'] },
  { zoneId: 3373, plate: '48', weight: 1, districts: ['Bodrum', 'Fethiye', 'Marmaris', 'Menteşe'] },
  { zoneId: 3387, plate: '59', weight: 1, districts: ['Çorlu', 'Süleymanpaşa'] },
  { zoneId: 3380, plate: '54', weight: 1, districts: ['Adapazarı', 'Serdivan'] },
  { zoneId: 3340, plate: '21', weight: 1, districts: ['Kayapınar', 'Bağlar'] },
  { zoneId: 3345, plate: '25', weight: 0.8, districts: ['Yakutiye', 'Palandöken'] },
  { zoneId: 3326, plate: '10', weight: 0.9, districts: ['Karesi', 'Edremit', 'Bandırma'] },
  { zoneId: 3370, plate: '45', weight: 0.9, districts: ['Yunusemre', 'Şehzadeler'] },
];

export interface ForeignPlace {
  countryId: number;
  zoneId: number;
  city: string;
  postcode: string;
  street: string;
  currency: 'EUR' | 'USD';
  acceptLanguage: string;
  weight: number;
}

export const FOREIGN_PLACES: ForeignPlace[] = [
  { countryId: 81, zoneId: 1256, city: 'Berlin', postcode: '10115', street: 'Kottbusser Damm', currency: 'EUR', acceptLanguage: 'de-DE,de;q=0.9,tr;q=0.8,en;q=0.7', weight: 4 },
  { countryId: 81, zoneId: 1259, city: 'Hamburg', postcode: '20095', street: 'Steindamm', currency: 'EUR', acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8', weight: 2 },
  { countryId: 81, zoneId: 1255, city: 'München', postcode: '80331', street: 'Landwehrstraße', currency: 'EUR', acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8', weight: 2 },
  { countryId: 81, zoneId: 1263, city: 'Köln', postcode: '51065', street: 'Keupstraße', currency: 'EUR', acceptLanguage: 'de-DE,de;q=0.9,tr;q=0.8', weight: 2 },
  { countryId: 81, zoneId: 1260, city: 'Frankfurt am Main', postcode: '60311', street: 'Kaiserstraße', currency: 'EUR', acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8', weight: 1 },
  { countryId: 150, zoneId: 2336, city: 'Amsterdam', postcode: '1053 BT', street: 'Kinkerstraat', currency: 'EUR', acceptLanguage: 'nl-NL,nl;q=0.9,en;q=0.8', weight: 1.5 },
  { countryId: 150, zoneId: 2340, city: 'Rotterdam', postcode: '3021 AB', street: 'Nieuwe Binnenweg', currency: 'EUR', acceptLanguage: 'nl-NL,nl;q=0.9,tr;q=0.8', weight: 1 },
  { countryId: 222, zoneId: 3553, city: 'London', postcode: 'N16 7XJ', street: 'Stoke Newington High Street', currency: 'USD', acceptLanguage: 'en-GB,en;q=0.9', weight: 1.5 },
  { countryId: 223, zoneId: 3655, city: 'New York', postcode: '11201', street: 'Atlantic Avenue', currency: 'USD', acceptLanguage: 'en-US,en;q=0.9', weight: 1 },
  { countryId: 223, zoneId: 3624, city: 'Los Angeles', postcode: '90012', street: 'S Broadway', currency: 'USD', acceptLanguage: 'en-US,en;q=0.9', weight: 0.5 },
  { countryId: 15, zoneId: 216, city: 'Bakı', postcode: 'AZ1000', street: 'Nizami küçəsi', currency: 'USD', acceptLanguage: 'az-AZ,az;q=0.9,tr;q=0.8', weight: 1 },
  { countryId: 33, zoneId: 497, city: 'Sofia', postcode: '1000', street: 'Vitosha Blvd', currency: 'EUR', acceptLanguage: 'bg-BG,bg;q=0.9,en;q=0.8', weight: 0.5 },
  { countryId: 84, zoneId: 1280, city: 'Athens', postcode: '105 57', street: 'Ermou', currency: 'EUR', acceptLanguage: 'el-GR,el;q=0.9,en;q=0.8', weight: 0.5 },
  { countryId: 55, zoneId: 887, city: 'Nicosia', postcode: '1010', street: 'Ledra Street', currency: 'EUR', acceptLanguage: 'el-CY,el;q=0.9,en;q=0.8', weight: 0.5 },
];

export function countryName(countryId: number): string {
  const c = COUNTRIES.find((x) => x.country_id === countryId);
  if (!c) throw new Error(`country ${countryId} is not in the demo's country list`);
  return c.name;
}

export function zoneName(zoneId: number): string {
  const tr = TURKISH_ZONES.find(([id]) => id === zoneId);
  if (tr) return tr[1];
  const f = FOREIGN_ZONES.find(([id]) => id === zoneId);
  if (f) return f[2];
  throw new Error(`zone ${zoneId} is not in the demo's zone list`);
}
