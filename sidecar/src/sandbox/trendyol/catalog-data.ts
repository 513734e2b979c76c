/**
 * A small but realistic slice of Trendyol's catalogue: a Turkish category tree whose leaves carry
 * required and variant-defining attributes (Renk, Beden, Numara…), a brand list and cargo providers.
 * Ids are stable so tests and the demo can refer to them.
 */

export interface SandboxCategory {
  id: number;
  name: string;
  parentId: number | null;
  subCategories: SandboxCategory[];
}

export interface SandboxAttribute {
  id: number;
  name: string;
  values: Array<{ id: number; name: string }>;
}

export interface SandboxCategoryAttribute {
  attributeId: number;
  required: boolean;
  allowCustom: boolean;
  varianter: boolean;
  slicer: boolean;
}

let valueSeq = 1000;
function attribute(id: number, name: string, values: string[]): SandboxAttribute {
  return { id, name, values: values.map((v) => ({ id: ++valueSeq, name: v })) };
}

export const ATTRIBUTES: SandboxAttribute[] = [
  attribute(47, 'Renk', ['Siyah', 'Beyaz', 'Lacivert', 'Gri', 'Bej', 'Kırmızı', 'Haki', 'Mavi', 'Pembe', 'Yeşil', 'Sarı', 'Kahverengi', 'Mor', 'Turuncu', 'Çok Renkli']),
  attribute(338, 'Beden', ['XS', 'S', 'M', 'L', 'XL', 'XXL', '3XL', 'Standart']),
  attribute(62, 'Numara', ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46']),
  attribute(296, 'Bel', ['28', '29', '30', '31', '32', '33', '34', '36', '38']),
  attribute(300, 'Yaş', ['2-3 Yaş', '4-5 Yaş', '6-7 Yaş', '8-9 Yaş', '10-11 Yaş', '12-13 Yaş']),
  attribute(14, 'Materyal', ['Pamuk', 'Polyester', 'Viskon', 'Keten', 'Yün', 'Deri', 'Suni Deri', 'Denim']),
  attribute(343, 'Cinsiyet', ['Kadın', 'Erkek', 'Unisex', 'Kız Çocuk', 'Erkek Çocuk']),
  attribute(22, 'Kol Tipi', ['Kısa Kol', 'Uzun Kol', 'Kolsuz', 'Yarım Kol']),
  attribute(33, 'Yaka Tipi', ['Bisiklet Yaka', 'V Yaka', 'Polo Yaka', 'Dik Yaka']),
  attribute(710, 'Dahili Hafıza', ['64 GB', '128 GB', '256 GB', '512 GB', '1 TB']),
  attribute(711, 'Ram Kapasitesi', ['4 GB', '8 GB', '16 GB', '32 GB']),
  attribute(712, 'Uyumlu Marka', ['Apple', 'Samsung', 'Xiaomi', 'Huawei', 'Oppo']),
  attribute(820, 'Boyut/Ebat', ['Tek Kişilik', 'Çift Kişilik', 'King Size']),
  attribute(821, 'Parça Sayısı', ['3', '5', '7', '9', '12']),
  attribute(900, 'Garanti Süresi', ['1 Yıl', '2 Yıl', '3 Yıl']),
  attribute(950, 'Menşei', ['TR', 'CN', 'DE', 'IT', 'US']),
];

const req = (attributeId: number, varianter = false, allowCustom = false): SandboxCategoryAttribute => ({ attributeId, required: true, allowCustom, varianter, slicer: varianter });
const opt = (attributeId: number, varianter = false, allowCustom = false): SandboxCategoryAttribute => ({ attributeId, required: false, allowCustom, varianter, slicer: false });

const CLOTHES = [req(47, true), req(338, true), req(14, false, true), opt(343), opt(950)];

/** Leaf category id → its attributes. */
export const CATEGORY_ATTRIBUTES: Record<number, SandboxCategoryAttribute[]> = {
  56: [...CLOTHES, opt(22)], // Elbise
  1018: [...CLOTHES, opt(22)], // Bluz & Gömlek
  1019: CLOTHES, // Kazak & Hırka
  1020: CLOTHES, // Kadın Mont & Kaban
  1012: [...CLOTHES, opt(33)], // Tişört
  1023: CLOTHES, // Erkek Gömlek
  1030: [req(47, true), req(296, true), req(14, false, true), opt(950)], // Pantolon & Jean
  1031: CLOTHES, // Erkek Mont & Ceket
  1040: [req(47, true), req(300, true), opt(14, false, true)], // Çocuk
  1172: [req(47, true), req(62, true), req(343), opt(950)], // Spor Ayakkabı
  1173: [req(47, true), req(62, true), req(343), opt(950)], // Bot & Çizme
  1174: [req(47, true), req(62, true), opt(343)], // Klasik Ayakkabı
  1175: [req(47, true), req(62, true), opt(343)], // Sandalet & Terlik
  1072: [req(47, true), req(710, true), req(900)], // Akıllı Telefon
  1073: [req(47, true), req(712, false, true)], // Telefon Aksesuarları
  1081: [opt(47), req(711), req(710, true), req(900)], // Dizüstü
  1082: [opt(47, true), req(710, true), req(900)], // Tablet
  1090: [req(47, true), req(900)], // Ses & Kulaklık
  1091: [req(47, true), req(900)], // Akıllı Saat
  1092: [opt(47, true), req(900)], // Küçük Ev Aletleri
  1356: [opt(47, true), req(821, false, true)], // Mutfak
  1361: [req(47, true), req(820, true), opt(14, false, true)], // Ev Tekstili
  1362: [opt(47, true)], // Dekorasyon
  1370: [opt(950, false, true)], // Gurme
};

function node(id: number, name: string, parentId: number | null, children: SandboxCategory[] = []): SandboxCategory {
  return { id, name, parentId, subCategories: children.map((c) => ({ ...c, parentId: id })) };
}

export const CATEGORY_TREE: SandboxCategory[] = [
  node(403, 'Giyim', null, [
    node(522, 'Kadın', 403, [node(56, 'Elbise', 522), node(1018, 'Bluz & Gömlek', 522), node(1019, 'Kazak & Hırka', 522), node(1020, 'Mont & Kaban', 522)]),
    node(523, 'Erkek', 403, [node(1012, 'Tişört', 523), node(1023, 'Gömlek', 523), node(1030, 'Pantolon & Jean', 523), node(1031, 'Mont & Ceket', 523)]),
    node(1040, 'Çocuk Giyim', 403),
  ]),
  node(411, 'Ayakkabı', null, [node(1172, 'Spor Ayakkabı', 411), node(1173, 'Bot & Çizme', 411), node(1174, 'Klasik Ayakkabı', 411), node(1175, 'Sandalet & Terlik', 411)]),
  node(1070, 'Elektronik', null, [
    node(1071, 'Telefon', 1070, [node(1072, 'Akıllı Telefon', 1071), node(1073, 'Telefon Aksesuarları', 1071)]),
    node(1080, 'Bilgisayar', 1070, [node(1081, 'Dizüstü Bilgisayar', 1080), node(1082, 'Tablet', 1080)]),
    node(1090, 'Ses & Kulaklık', 1070),
    node(1091, 'Akıllı Saat & Bileklik', 1070),
    node(1092, 'Küçük Ev Aletleri', 1070),
  ]),
  node(1354, 'Ev & Yaşam', null, [node(1356, 'Mutfak', 1354), node(1361, 'Ev Tekstili', 1354), node(1362, 'Dekorasyon', 1354)]),
  node(1370, 'Gurme', null),
];

export const BRANDS: Array<{ id: number; name: string }> = [
  'MesChain Basics', 'Koton', 'LC Waikiki', 'Mavi', 'DeFacto', 'Colin\'s', 'Penti', 'Network', 'Kiğılı', 'Hotiç',
  'Greyder', 'Lumberjack', 'Kinetix', 'Nike', 'adidas', 'Puma', 'Skechers', 'Apple', 'Samsung', 'Xiaomi',
  'Lenovo', 'Asus', 'JBL', 'Philips', 'Arzum', 'Karaca', 'Korkmaz', 'English Home', 'Madame Coco', 'Taç',
  'Özdilek', 'Paşabahçe', 'Tariş', 'Koska', 'Kahve Dünyası', 'Tadım', 'Eti', 'Ülker', 'Generic', 'Diğer',
].map((name, i) => ({ id: 100 + i, name }));

export const CARGO_PROVIDERS = [
  { id: 10, code: 'MNGMP', name: 'MNG Kargo Marketplace' },
  { id: 4, code: 'YKMP', name: 'Yurtiçi Kargo Marketplace' },
  { id: 7, code: 'ARASMP', name: 'Aras Kargo Marketplace' },
  { id: 17, code: 'TEXMP', name: 'Trendyol Express Marketplace' },
  { id: 6, code: 'HOROZMP', name: 'Horoz Kargo Marketplace' },
  { id: 9, code: 'SURATMP', name: 'Sürat Kargo Marketplace' },
  { id: 19, code: 'PTTMP', name: 'PTT Kargo Marketplace' },
];

/** Flat index of the tree: id → category with its path. */
export function indexCategories(tree: SandboxCategory[]): Map<number, { category: SandboxCategory; path: string[] }> {
  const out = new Map<number, { category: SandboxCategory; path: string[] }>();
  const walk = (nodes: SandboxCategory[], path: string[]) => {
    for (const n of nodes) {
      const p = [...path, n.name];
      out.set(n.id, { category: n, path: p });
      walk(n.subCategories, p);
    }
  };
  walk(tree, []);
  return out;
}
