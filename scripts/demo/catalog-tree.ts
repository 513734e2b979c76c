import type { Bilingual } from './context';
import type { OptionKey } from './catalog-options';

/**
 * The demo shop's catalogue plan: a category tree and, under each leaf, the kinds of product sold
 * there. Brands are invented; sizes, prices and seasons are what a Turkish general store would show.
 */

export type Department = 'clothing' | 'shoes' | 'electronics' | 'home' | 'gourmet';
/** When a kind sells best; drives order seasonality. */
export type Season = 'summer' | 'winter' | 'spring' | 'school' | 'gifts' | 'all';

export interface ProductKind {
  name: Bilingual;
  /** Price range excluding tax, lira. */
  price: [number, number];
  /** The first option's values carry the product's stock. */
  options: OptionKey[];
  season: Season;
  weightKg: [number, number];
  /** How well this kind sells relative to others. */
  popularity?: number;
  /** Overrides the department's tax class (home textiles are 10 %, like clothing). */
  taxClass?: 'standard' | 'reduced' | 'basic';
}

export interface CategoryNode {
  key: string;
  name: Bilingual;
  children?: CategoryNode[];
  kinds?: ProductKind[];
}

export interface DepartmentNode extends CategoryNode {
  department: Department;
}

const CLOTHES: OptionKey[] = ['size', 'colour'];
const SHOES: OptionKey[] = ['shoeSize', 'colour'];

export const CATEGORY_TREE: DepartmentNode[] = [
  {
    key: 'giyim',
    department: 'clothing',
    name: { tr: 'Giyim', en: 'Clothing' },
    children: [
      {
        key: 'kadin',
        name: { tr: 'Kadın', en: 'Women' },
        children: [
          { key: 'elbise', name: { tr: 'Elbise', en: 'Dresses' }, kinds: [
            { name: { tr: 'Midi Elbise', en: 'Midi Dress' }, price: [449, 1299], options: CLOTHES, season: 'spring', weightKg: [0.3, 0.5] },
            { name: { tr: 'Maxi Elbise', en: 'Maxi Dress' }, price: [549, 1499], options: CLOTHES, season: 'summer', weightKg: [0.3, 0.6] },
            { name: { tr: 'Gömlek Elbise', en: 'Shirt Dress' }, price: [499, 1199], options: CLOTHES, season: 'spring', weightKg: [0.3, 0.5] },
          ] },
          { key: 'bluz-gomlek', name: { tr: 'Bluz & Gömlek', en: 'Blouses & Shirts' }, kinds: [
            { name: { tr: 'Saten Bluz', en: 'Satin Blouse' }, price: [299, 799], options: CLOTHES, season: 'all', weightKg: [0.2, 0.3] },
            { name: { tr: 'Keten Gömlek', en: 'Linen Shirt' }, price: [399, 899], options: CLOTHES, season: 'summer', weightKg: [0.2, 0.3] },
          ] },
          { key: 'kazak-hirka', name: { tr: 'Kazak & Hırka', en: 'Knitwear' }, kinds: [
            { name: { tr: 'Boğazlı Kazak', en: 'Turtleneck Jumper' }, price: [399, 999], options: CLOTHES, season: 'winter', weightKg: [0.4, 0.7] },
            { name: { tr: 'Örgü Hırka', en: 'Knit Cardigan' }, price: [449, 1099], options: CLOTHES, season: 'winter', weightKg: [0.4, 0.7] },
          ] },
          { key: 'kadin-mont', name: { tr: 'Mont & Kaban', en: 'Coats & Jackets' }, kinds: [
            { name: { tr: 'Şişme Mont', en: 'Puffer Jacket' }, price: [1499, 3999], options: CLOTHES, season: 'winter', weightKg: [0.8, 1.4], popularity: 1.2 },
            { name: { tr: 'Trençkot', en: 'Trench Coat' }, price: [1799, 3999], options: CLOTHES, season: 'spring', weightKg: [0.8, 1.2] },
          ] },
        ],
      },
      {
        key: 'erkek',
        name: { tr: 'Erkek', en: 'Men' },
        children: [
          { key: 'tisort', name: { tr: 'Tişört', en: 'T-Shirts' }, kinds: [
            { name: { tr: 'Bisiklet Yaka Tişört', en: 'Crew Neck T-Shirt' }, price: [149, 449], options: CLOTHES, season: 'summer', weightKg: [0.15, 0.25], popularity: 2 },
            { name: { tr: 'Polo Yaka Tişört', en: 'Polo Shirt' }, price: [249, 599], options: CLOTHES, season: 'summer', weightKg: [0.2, 0.3], popularity: 1.5 },
          ] },
          { key: 'erkek-gomlek', name: { tr: 'Gömlek', en: 'Shirts' }, kinds: [
            { name: { tr: 'Oxford Gömlek', en: 'Oxford Shirt' }, price: [399, 899], options: CLOTHES, season: 'all', weightKg: [0.25, 0.35] },
            { name: { tr: 'Slim Fit Gömlek', en: 'Slim Fit Shirt' }, price: [349, 799], options: CLOTHES, season: 'all', weightKg: [0.25, 0.35] },
          ] },
          { key: 'pantolon-jean', name: { tr: 'Pantolon & Jean', en: 'Trousers & Jeans' }, kinds: [
            { name: { tr: 'Slim Fit Jean', en: 'Slim Fit Jeans' }, price: [499, 1199], options: ['waist', 'colour'], season: 'all', weightKg: [0.5, 0.7], popularity: 1.5 },
            { name: { tr: 'Chino Pantolon', en: 'Chino Trousers' }, price: [449, 999], options: ['waist', 'colour'], season: 'all', weightKg: [0.4, 0.6] },
          ] },
          { key: 'erkek-mont', name: { tr: 'Mont & Ceket', en: 'Coats & Jackets' }, kinds: [
            { name: { tr: 'Şişme Mont', en: 'Puffer Jacket' }, price: [1599, 4499], options: CLOTHES, season: 'winter', weightKg: [0.9, 1.5], popularity: 1.2 },
            { name: { tr: 'Deri Ceket', en: 'Leather Jacket' }, price: [2999, 6999], options: CLOTHES, season: 'winter', weightKg: [1.2, 1.8] },
          ] },
        ],
      },
      { key: 'cocuk', name: { tr: 'Çocuk', en: 'Kids' }, kinds: [
        { name: { tr: 'Çocuk Eşofman Takımı', en: "Kids' Tracksuit" }, price: [299, 699], options: ['age', 'colour'], season: 'school', weightKg: [0.3, 0.5] },
        { name: { tr: 'Çocuk Tişört', en: "Kids' T-Shirt" }, price: [129, 299], options: ['age', 'colour'], season: 'summer', weightKg: [0.1, 0.2] },
        { name: { tr: 'Okul Sırt Çantası', en: 'School Backpack' }, price: [399, 899], options: ['colour'], season: 'school', weightKg: [0.5, 0.9] },
      ] },
    ],
  },
  {
    key: 'ayakkabi',
    department: 'shoes',
    name: { tr: 'Ayakkabı', en: 'Shoes' },
    children: [
      { key: 'spor-ayakkabi', name: { tr: 'Spor Ayakkabı', en: 'Sneakers' }, kinds: [
        { name: { tr: 'Koşu Ayakkabısı', en: 'Running Shoes' }, price: [1299, 3499], options: SHOES, season: 'spring', weightKg: [0.6, 0.9], popularity: 1.5 },
        { name: { tr: 'Günlük Sneaker', en: 'Everyday Sneakers' }, price: [999, 2499], options: SHOES, season: 'all', weightKg: [0.6, 0.9], popularity: 1.5 },
      ] },
      { key: 'bot-cizme', name: { tr: 'Bot & Çizme', en: 'Boots' }, kinds: [
        { name: { tr: 'Deri Bot', en: 'Leather Boots' }, price: [1799, 3999], options: SHOES, season: 'winter', weightKg: [1, 1.5] },
        { name: { tr: 'Chelsea Bot', en: 'Chelsea Boots' }, price: [1599, 3499], options: SHOES, season: 'winter', weightKg: [0.9, 1.3] },
      ] },
      { key: 'klasik-ayakkabi', name: { tr: 'Klasik Ayakkabı', en: 'Dress Shoes' }, kinds: [
        { name: { tr: 'Oxford Ayakkabı', en: 'Oxford Shoes' }, price: [1499, 3299], options: SHOES, season: 'all', weightKg: [0.8, 1.1] },
        { name: { tr: 'Loafer', en: 'Loafers' }, price: [1299, 2799], options: SHOES, season: 'spring', weightKg: [0.7, 1] },
      ] },
      { key: 'sandalet-terlik', name: { tr: 'Sandalet & Terlik', en: 'Sandals & Slides' }, kinds: [
        { name: { tr: 'Deri Sandalet', en: 'Leather Sandals' }, price: [599, 1499], options: SHOES, season: 'summer', weightKg: [0.4, 0.6] },
        { name: { tr: 'Plaj Terliği', en: 'Beach Slides' }, price: [149, 399], options: SHOES, season: 'summer', weightKg: [0.2, 0.4], popularity: 1.3 },
      ] },
    ],
  },
  {
    key: 'elektronik',
    department: 'electronics',
    name: { tr: 'Elektronik', en: 'Electronics' },
    children: [
      {
        key: 'telefon',
        name: { tr: 'Telefon & Aksesuar', en: 'Phones & Accessories' },
        children: [
          { key: 'akilli-telefon', name: { tr: 'Akıllı Telefon', en: 'Smartphones' }, kinds: [
            { name: { tr: 'Akıllı Telefon', en: 'Smartphone' }, price: [8999, 39999], options: ['storage', 'colour'], season: 'gifts', weightKg: [0.17, 0.23], popularity: 0.8 },
          ] },
          { key: 'telefon-aksesuar', name: { tr: 'Telefon Aksesuarları', en: 'Phone Accessories' }, kinds: [
            { name: { tr: 'Hızlı Şarj Adaptörü 20W', en: '20W Fast Charger' }, price: [249, 599], options: [], season: 'all', weightKg: [0.05, 0.1], popularity: 1.5 },
            { name: { tr: 'Silikon Kılıf', en: 'Silicone Case' }, price: [149, 399], options: ['colour'], season: 'all', weightKg: [0.03, 0.06], popularity: 1.5 },
            { name: { tr: 'Powerbank 10000 mAh', en: 'Power Bank 10,000 mAh' }, price: [499, 1199], options: [], season: 'summer', weightKg: [0.2, 0.3] },
          ] },
        ],
      },
      {
        key: 'bilgisayar',
        name: { tr: 'Bilgisayar & Tablet', en: 'Computers & Tablets' },
        children: [
          { key: 'dizustu', name: { tr: 'Dizüstü Bilgisayar', en: 'Laptops' }, kinds: [
            { name: { tr: 'Ultrabook 14"', en: 'Ultrabook 14"' }, price: [24999, 59999], options: ['storage'], season: 'school', weightKg: [1.2, 1.6], popularity: 0.5 },
            { name: { tr: 'Oyun Bilgisayarı 16"', en: 'Gaming Laptop 16"' }, price: [39999, 79999], options: ['storage'], season: 'gifts', weightKg: [2.2, 2.8], popularity: 0.3 },
          ] },
          { key: 'tablet', name: { tr: 'Tablet', en: 'Tablets' }, kinds: [
            { name: { tr: 'Tablet 11"', en: 'Tablet 11"' }, price: [7999, 21999], options: ['storage', 'colour'], season: 'school', weightKg: [0.45, 0.6], popularity: 0.6 },
          ] },
        ],
      },
      { key: 'ses', name: { tr: 'Ses & Kulaklık', en: 'Audio & Headphones' }, kinds: [
        { name: { tr: 'Kablosuz Kulak İçi Kulaklık', en: 'Wireless Earbuds' }, price: [799, 3999], options: ['colour'], season: 'gifts', weightKg: [0.05, 0.1], popularity: 1.3 },
        { name: { tr: 'Kulak Üstü Kulaklık', en: 'Over-ear Headphones' }, price: [1499, 6999], options: ['colour'], season: 'gifts', weightKg: [0.25, 0.35] },
        { name: { tr: 'Bluetooth Hoparlör', en: 'Bluetooth Speaker' }, price: [999, 3999], options: ['colour'], season: 'summer', weightKg: [0.4, 0.9] },
      ] },
      { key: 'giyilebilir', name: { tr: 'Akıllı Saat & Bileklik', en: 'Wearables' }, kinds: [
        { name: { tr: 'Akıllı Saat', en: 'Smartwatch' }, price: [1999, 9999], options: ['colour'], season: 'gifts', weightKg: [0.05, 0.08] },
        { name: { tr: 'Akıllı Bileklik', en: 'Fitness Band' }, price: [699, 1799], options: ['colour'], season: 'spring', weightKg: [0.03, 0.05] },
      ] },
      { key: 'kucuk-ev-aletleri', name: { tr: 'Küçük Ev Aletleri', en: 'Small Appliances' }, kinds: [
        { name: { tr: 'Türk Kahvesi Makinesi', en: 'Turkish Coffee Machine' }, price: [1499, 3999], options: [], season: 'gifts', weightKg: [1.2, 1.8], popularity: 1.2 },
        { name: { tr: 'Çay Makinesi', en: 'Tea Maker' }, price: [1299, 3499], options: [], season: 'winter', weightKg: [1.5, 2.2] },
        { name: { tr: 'Airfryer 5,5 L', en: 'Air Fryer 5.5 L' }, price: [2499, 6999], options: [], season: 'gifts', weightKg: [4, 6], popularity: 1.3 },
        { name: { tr: 'Şarjlı Dikey Süpürge', en: 'Cordless Stick Vacuum' }, price: [4999, 14999], options: [], season: 'spring', weightKg: [2.5, 3.5] },
      ] },
    ],
  },
  {
    key: 'ev-yasam',
    department: 'home',
    name: { tr: 'Ev & Yaşam', en: 'Home & Living' },
    children: [
      { key: 'mutfak', name: { tr: 'Mutfak', en: 'Kitchen' }, kinds: [
        { name: { tr: 'Çelik Tencere Seti 8 Parça', en: '8-piece Stainless Cookware Set' }, price: [1999, 5999], options: [], season: 'gifts', weightKg: [5, 8] },
        { name: { tr: 'Döküm Tava 28 cm', en: 'Cast Iron Pan 28 cm' }, price: [799, 1999], options: [], season: 'all', weightKg: [2.5, 3.5] },
        { name: { tr: 'Çay Bardağı Seti 12 Parça', en: '12-piece Tea Glass Set' }, price: [249, 699], options: [], season: 'all', weightKg: [1, 1.5], popularity: 1.4 },
        { name: { tr: 'Yemek Takımı 24 Parça', en: '24-piece Dinner Set' }, price: [1499, 4999], options: [], season: 'spring', weightKg: [8, 12] },
      ] },
      { key: 'ev-tekstili', name: { tr: 'Ev Tekstili', en: 'Home Textiles' }, kinds: [
        { name: { tr: 'Nevresim Takımı', en: 'Duvet Cover Set' }, price: [699, 1999], options: ['bedSize', 'colour'], season: 'all', weightKg: [1.2, 2], popularity: 1.2, taxClass: 'reduced' },
        { name: { tr: 'Pamuk Havlu Seti', en: 'Cotton Towel Set' }, price: [399, 999], options: ['colour'], season: 'summer', weightKg: [1, 1.6], taxClass: 'reduced' },
        { name: { tr: 'Bornoz', en: 'Bathrobe' }, price: [599, 1499], options: ['size', 'colour'], season: 'winter', weightKg: [0.9, 1.4], taxClass: 'reduced' },
      ] },
      { key: 'dekorasyon', name: { tr: 'Dekorasyon', en: 'Decor' }, kinds: [
        { name: { tr: 'Seramik Vazo', en: 'Ceramic Vase' }, price: [299, 999], options: ['giftWrap', 'giftNote'], season: 'gifts', weightKg: [0.8, 1.5] },
        { name: { tr: 'Dekoratif Yastık Kılıfı', en: 'Decorative Cushion Cover' }, price: [149, 399], options: ['colour', 'giftWrap'], season: 'all', weightKg: [0.2, 0.3] },
        { name: { tr: 'Kokulu Mum', en: 'Scented Candle' }, price: [199, 599], options: ['giftWrap', 'giftNote'], season: 'gifts', weightKg: [0.3, 0.5], popularity: 1.3 },
        { name: { tr: 'Duvar Saati', en: 'Wall Clock' }, price: [349, 1199], options: ['giftWrap'], season: 'all', weightKg: [0.6, 1.2] },
      ] },
    ],
  },
  {
    key: 'gurme',
    department: 'gourmet',
    name: { tr: 'Gurme & Kahve', en: 'Gourmet & Coffee' },
    kinds: [
      { name: { tr: 'Türk Kahvesi 250 g', en: 'Turkish Coffee 250 g' }, price: [119, 249], options: [], season: 'all', weightKg: [0.25, 0.27], popularity: 2 },
      { name: { tr: 'Antep Fıstıklı Lokum 500 g', en: 'Pistachio Turkish Delight 500 g' }, price: [249, 549], options: ['giftWrap', 'giftNote'], season: 'gifts', weightKg: [0.5, 0.6], popularity: 1.5 },
      { name: { tr: 'Natürel Sızma Zeytinyağı 1 L', en: 'Extra Virgin Olive Oil 1 L' }, price: [349, 699], options: [], season: 'winter', weightKg: [1, 1.1], popularity: 1.3 },
      { name: { tr: 'Çiçek Balı 850 g', en: 'Wildflower Honey 850 g' }, price: [299, 749], options: [], season: 'winter', weightKg: [0.85, 1] },
    ],
  },
];

export interface DepartmentStyle {
  /** Code used in models and SKUs. */
  code: string;
  brands: string[];
  /** Series / style words that make names distinct. */
  styles: Bilingual[];
  taxClass: 'standard' | 'reduced' | 'basic';
  intro: Bilingual;
  features: Bilingual[];
  material: Bilingual[];
  warranty: Bilingual;
}

const s = (tr: string, en = tr): Bilingual => ({ tr, en });

export const DEPARTMENT_STYLE: Record<Department, DepartmentStyle> = {
  clothing: {
    code: 'GYM',
    brands: ['Ege Pamuk', 'Boğaziçi Moda', 'Anadolu Tekstil', 'Lâle & Co', 'Kuzey Wear', 'Mavi Liman'],
    styles: [s('Basic'), s('Premium'), s('Organik Pamuklu', 'Organic Cotton'), s('Rahat Kesim', 'Relaxed Fit'), s('Desenli', 'Patterned'), s('Çizgili', 'Striped'), s('Essential'), s('Vintage'), s('Oversize'), s('Yeni Sezon', 'New Season')],
    taxClass: 'reduced',
    intro: s('Gün boyu rahatlık için tasarlanan, kaliteli kumaştan üretilmiş bir parça.', 'Made from quality fabric and designed for all-day comfort.'),
    features: [s('30°C\'de makinede yıkanabilir', 'Machine washable at 30°C'), s('Türkiye\'de üretilmiştir', 'Made in Turkey'), s('Modelin üzerindeki beden: M', 'Model wears size M'), s('Ters çevirerek ütüleyiniz', 'Iron inside out')],
    material: [s('%100 pamuk', '100% cotton'), s('%95 pamuk, %5 elastan', '95% cotton, 5% elastane'), s('%100 keten', '100% linen'), s('%70 yün, %30 polyamid', '70% wool, 30% polyamide'), s('%100 polyester', '100% polyester')],
    warranty: s('Yok', 'None'),
  },
  shoes: {
    code: 'AYK',
    brands: ['Ada Ayakkabı', 'Kösele', 'Adım Sport', 'Yürü'],
    styles: [s('Hakiki Deri', 'Genuine Leather'), s('Hafif', 'Lightweight'), s('Ortopedik', 'Orthopaedic'), s('Su Geçirmez', 'Waterproof'), s('Klasik', 'Classic'), s('Süet', 'Suede'), s('Comfort')],
    taxClass: 'reduced',
    intro: s('Hafif tabanı ve esnek yapısıyla her adımda konfor sunar.', 'A light, flexible sole for comfort with every step.'),
    features: [s('Kalıbı normaldir, kendi numaranızı seçin', 'True to size'), s('Kaymaz kauçuk taban', 'Non-slip rubber sole'), s('Nefes alan iç astar', 'Breathable lining')],
    material: [s('Hakiki deri', 'Genuine leather'), s('Süet', 'Suede'), s('Tekstil ve sentetik', 'Textile and synthetic'), s('EVA', 'EVA')],
    warranty: s('2 yıl', '2 years'),
  },
  electronics: {
    code: 'ELK',
    brands: ['Tekno Ada', 'Volta', 'Nova Mobile', 'SesLab', 'Zeka'],
    styles: [s('Pro'), s('Lite'), s('Max'), s('Air'), s('Neo'), s('S2'), s('X5'), s('Plus'), s('Mini'), s('Ultra')],
    taxClass: 'standard',
    intro: s('Günlük kullanım için güçlü, şık ve enerji verimli.', 'Powerful, stylish and energy efficient for everyday use.'),
    features: [s('Türkçe kullanım kılavuzu', 'Turkish and English manual'), s('Yetkili servis desteği', 'Authorised service support'), s('Hızlı şarj desteği', 'Fast-charging support'), s('CE ve TSE belgeli', 'CE and TSE certified')],
    material: [s('Alüminyum kasa', 'Aluminium body'), s('Geri dönüştürülmüş plastik', 'Recycled plastic'), s('Cam ve alüminyum', 'Glass and aluminium')],
    warranty: s('2 yıl resmi distribütör garantili', '2-year official distributor warranty'),
  },
  home: {
    code: 'EVY',
    brands: ['Lale Home', 'Çini Ev', 'Bakır Atölyesi', 'Pamukkale Tekstil', 'Nar Home'],
    styles: [s('Lüks', 'Luxury'), s('Modern'), s('Otantik', 'Authentic'), s('İskandinav', 'Scandinavian'), s('Klasik', 'Classic'), s('El Yapımı', 'Handmade'), s('Bohem', 'Boho')],
    taxClass: 'standard',
    intro: s('Evinize sıcaklık katan, uzun ömürlü ve kolay bakımlı bir ürün.', 'Adds warmth to your home; durable and easy to care for.'),
    features: [s('Bulaşık makinesinde yıkanabilir', 'Dishwasher safe'), s('Hediye kutusunda gönderilir', 'Ships in a gift box'), s('Türkiye\'de üretilmiştir', 'Made in Turkey')],
    material: [s('Paslanmaz çelik', 'Stainless steel'), s('Porselen', 'Porcelain'), s('%100 pamuk', '100% cotton'), s('Seramik', 'Ceramic'), s('Soya mumu', 'Soy wax')],
    warranty: s('2 yıl', '2 years'),
  },
  gourmet: {
    code: 'GRM',
    brands: ['Zeytin Dalı', 'Kahveci Hasan Efendi', 'Arı Bahçesi', 'Lokumcu Baba'],
    styles: [s('Geleneksel', 'Traditional'), s('Organik', 'Organic'), s('Ödüllü', 'Award-winning'), s('Yöresel', 'Regional'), s('Taş Değirmen', 'Stone-ground')],
    taxClass: 'basic',
    intro: s('Yöresel üreticilerden, katkısız ve taze.', 'From regional producers: fresh and additive-free.'),
    features: [s('Serin ve kuru yerde saklayınız', 'Store in a cool, dry place'), s('Katkı maddesi içermez', 'No additives'), s('Vakumlu ambalaj', 'Vacuum packed')],
    material: [s('Doğal içerik', 'Natural ingredients')],
    warranty: s('Yok', 'None'),
  },
};
