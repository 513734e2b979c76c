import { encodeOcText } from '../../sidecar/src/db/opencart/text';
import { insert, LANG, LANGUAGE_IDS, inLanguage, type Bilingual, type SeedContext } from './context';
import { numberOptions, type NumberedOption } from './catalog-options';
import { CATEGORY_TREE, DEPARTMENT_STYLE, type CategoryNode, type Department, type ProductKind } from './catalog-tree';
import { addDays, atTime } from './time';
import { slug } from './util';

/**
 * The catalogue's skeleton: categories (with a correct oc_category_path closure), manufacturers,
 * global options and attributes. Products hang off what this returns.
 */

export interface SeededCategory {
  id: number;
  key: string;
  parentId: number;
  /** Ancestors from the root down, this category last. */
  path: number[];
  department: Department;
}

export interface KindSlot {
  kind: ProductKind;
  kindIndex: number;
  department: Department;
  /** The leaf category and the department's top category. */
  categoryIds: number[];
}

export interface CatalogBase {
  categories: SeededCategory[];
  kinds: KindSlot[];
  /** brand name → manufacturer_id */
  manufacturers: Map<string, number>;
  options: Map<string, NumberedOption>;
  attributes: { material: number; warranty: number; origin: number };
  /** SEO keyword → the query it points to (OpenCart's admin rejects a keyword used for another query). */
  seoKeywords: Map<string, string>;
}

/** A keyword for `query`: the slug, or the slug plus a number when another query already has it. */
export function uniqueKeyword(base: CatalogBase, query: string, text: string, id: number): string {
  let keyword = slug(text) || `item-${id}`;
  for (let n = 0; base.seoKeywords.has(keyword) && base.seoKeywords.get(keyword) !== query; n++) keyword = `${slug(text)}-${id}${n ? `-${n}` : ''}`;
  base.seoKeywords.set(keyword, query);
  return keyword;
}

const html = (text: string): string => encodeOcText(`<p>${text}</p>`);

export async function seedCatalogBase(ctx: SeedContext): Promise<CatalogBase> {
  const opened = addDays(ctx.clock.today.date, -3 * 365);
  const base: CatalogBase = {
    categories: [],
    kinds: [],
    manufacturers: new Map(),
    options: new Map(),
    attributes: { material: 1, warranty: 2, origin: 3 },
    seoKeywords: new Map(),
  };

  const category: Array<Record<string, unknown>> = [];
  const description: Array<Record<string, unknown>> = [];
  const paths: Array<Record<string, unknown>> = [];
  const seo: Array<Record<string, unknown>> = [];
  let nextId = 0;

  const walk = (node: CategoryNode, parent: SeededCategory | null, department: Department, sortOrder: number): void => {
    const id = ++nextId;
    const path = [...(parent?.path ?? []), id];
    const seeded: SeededCategory = { id, key: node.key, parentId: parent?.id ?? 0, path, department };
    base.categories.push(seeded);
    const added = atTime(opened, 10, ctx.rng.int(0, 59), ctx.rng.int(0, 59));
    category.push({
      category_id: id,
      image: parent ? '' : `catalog/demo/meschain/category/${node.key}.jpg`,
      parent_id: seeded.parentId,
      top: parent ? 0 : 1,
      column: parent ? 1 : 2,
      sort_order: sortOrder,
      status: 1,
      date_added: added,
      date_modified: added,
    });
    for (const lang of LANGUAGE_IDS) {
      const name = inLanguage(node.name, lang);
      const intro: Bilingual = { tr: `${node.name.tr} kategorisindeki en yeni ürünler.`, en: `The latest products in ${node.name.en}.` };
      description.push({
        category_id: id,
        language_id: lang,
        name: encodeOcText(name),
        description: html(inLanguage(intro, lang)),
        meta_title: encodeOcText(name),
        meta_description: encodeOcText(inLanguage(intro, lang)),
        meta_keyword: '',
      });
      seo.push({ store_id: 0, language_id: lang, query: `category_id=${id}`, keyword: uniqueKeyword(base, `category_id=${id}`, name, id) });
    }
    // Closure rows: every ancestor (level 0 = root) and the category itself at the deepest level.
    path.forEach((pathId, level) => paths.push({ category_id: id, path_id: pathId, level }));
    node.children?.forEach((child, i) => walk(child, seeded, department, i + 1));
    if (node.kinds) {
      const top = path[0]!;
      for (const kind of node.kinds) {
        base.kinds.push({ kind, kindIndex: base.kinds.length + 1, department, categoryIds: top === id ? [id] : [id, top] });
      }
    }
  };
  CATEGORY_TREE.forEach((dept, i) => walk(dept, null, dept.department, i + 1));

  await insert(ctx, 'category', category);
  await insert(ctx, 'category_description', description);
  await insert(ctx, 'category_path', paths);
  await insert(ctx, 'category_to_store', base.categories.map((c) => ({ category_id: c.id, store_id: 0 })));

  const brands = Object.values(DEPARTMENT_STYLE).flatMap((d) => d.brands);
  brands.forEach((brand, i) => base.manufacturers.set(brand, i + 1));
  await insert(
    ctx,
    'manufacturer',
    brands.map((brand, i) => ({ manufacturer_id: i + 1, name: encodeOcText(brand), image: `catalog/demo/meschain/brand/${slug(brand)}.png`, sort_order: i + 1 })),
  );
  await insert(ctx, 'manufacturer_to_store', brands.map((_, i) => ({ manufacturer_id: i + 1, store_id: 0 })));
  for (const [brand, id] of base.manufacturers) {
    for (const lang of LANGUAGE_IDS) seo.push({ store_id: 0, language_id: lang, query: `manufacturer_id=${id}`, keyword: uniqueKeyword(base, `manufacturer_id=${id}`, brand, id) });
  }
  await insert(ctx, 'seo_url', seo);

  const options = numberOptions();
  for (const o of options) base.options.set(o.key, o);
  await insert(ctx, 'option', options.map((o, i) => ({ option_id: o.optionId, type: o.type, sort_order: i + 1 })));
  await insert(
    ctx,
    'option_description',
    options.flatMap((o) => LANGUAGE_IDS.map((lang) => ({ option_id: o.optionId, language_id: lang, name: encodeOcText(inLanguage(o.name, lang)) }))),
  );
  await insert(
    ctx,
    'option_value',
    options.flatMap((o) => o.valueIds.map((valueId, i) => ({ option_value_id: valueId, option_id: o.optionId, image: '', sort_order: i + 1 }))),
  );
  await insert(
    ctx,
    'option_value_description',
    options.flatMap((o) =>
      o.values.flatMap((v, i) =>
        LANGUAGE_IDS.map((lang) => ({ option_value_id: o.valueIds[i]!, language_id: lang, option_id: o.optionId, name: encodeOcText(inLanguage(v.name, lang)) })),
      ),
    ),
  );

  await insert(ctx, 'attribute_group', [{ attribute_group_id: 1, sort_order: 1 }]);
  await insert(ctx, 'attribute_group_description', [
    { attribute_group_id: 1, language_id: LANG.en, name: 'Product Details' },
    { attribute_group_id: 1, language_id: LANG.tr, name: 'Ürün Özellikleri' },
  ]);
  const attributeNames: Array<[number, Bilingual]> = [
    [base.attributes.material, { tr: 'Malzeme', en: 'Material' }],
    [base.attributes.warranty, { tr: 'Garanti', en: 'Warranty' }],
    [base.attributes.origin, { tr: 'Menşei', en: 'Country of Origin' }],
  ];
  await insert(ctx, 'attribute', attributeNames.map(([id], i) => ({ attribute_id: id, attribute_group_id: 1, sort_order: i + 1 })));
  await insert(
    ctx,
    'attribute_description',
    attributeNames.flatMap(([id, name]) => LANGUAGE_IDS.map((lang) => ({ attribute_id: id, language_id: lang, name: inLanguage(name, lang) }))),
  );
  return base;
}
