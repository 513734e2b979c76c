import { LANG } from './context';
import type { Rng } from './prng';
import { STATUS } from './reference';
import { addSeconds, parseDay } from './time';

/**
 * An order's life as oc_order_history rows: what the payment step, the warehouse and the courier did,
 * cut off at "now" so recent orders are still pending, processing or on their way.
 */

export interface HistoryEntry {
  status: number;
  at: string;
  notify: 0 | 1;
  comment: string;
}

export type PaymentCode = 'cod' | 'bank_transfer';

const CARRIERS = ['Yurtiçi Kargo', 'Aras Kargo', 'MNG Kargo', 'PTT Kargo', 'Sürat Kargo'];
const HOUR = 3600;
const DAY = 86_400;

const BANK_COMMENT = {
  tr: 'Banka Havalesi Talimatları\n\nÖdemenizi Demo Bankası TR00 0000 0000 0000 0000 0000 00 IBAN numarasına, açıklamaya sipariş numaranızı yazarak yapabilirsiniz.\n\nÖdemeniz bize ulaşmadan siparişiniz gönderilmeyecektir.',
  en: 'Bank Transfer Instructions\n\nPlease transfer the total to Demo Bank, IBAN TR00 0000 0000 0000 0000 0000 00, quoting your order number.\n\nYour order will not ship until we receive payment.',
};

/** Couriers do not collect on Sundays: a shipment that would fall on one goes out Monday morning. */
function workingTime(at: string): string {
  return parseDay(at.slice(0, 10)).weekday === 0 ? `${addSeconds(at, DAY).slice(0, 10)} 10:${at.slice(14)}` : at;
}

export interface StatusInput {
  placed: string;
  now: string;
  payment: PaymentCode;
  languageId: number;
  domestic: boolean;
}

export function statusHistory(rng: Rng, input: StatusInput): HistoryEntry[] {
  const tr = input.languageId === LANG.tr;
  const say = (trText: string, enText: string) => (tr ? trText : enText);
  const entries: HistoryEntry[] = [];
  const add = (status: number, at: string, notify: 0 | 1, comment = '') => entries.push({ status, at, notify, comment });

  // The payment step: cash on delivery confirms silently, bank transfer mails its instructions.
  if (input.payment === 'bank_transfer') add(STATUS.pending, input.placed, 1, tr ? BANK_COMMENT.tr : BANK_COMMENT.en);
  else add(STATUS.pending, input.placed, 0);

  if (input.payment === 'bank_transfer' && rng.chance(0.05)) {
    add(STATUS.canceled, addSeconds(input.placed, rng.int(3 * DAY, 5 * DAY)), 1, say('Ödeme 3 gün içinde alınamadığı için sipariş iptal edildi.', 'Cancelled: payment was not received within 3 days.'));
  } else if (rng.chance(0.015)) {
    add(STATUS.canceled, addSeconds(input.placed, rng.int(HOUR, 12 * HOUR)), 1, say('Müşteri talebiyle iptal edildi.', 'Cancelled at the customer\'s request.'));
  } else {
    const paid = input.payment === 'bank_transfer';
    const processing = addSeconds(input.placed, paid ? rng.int(2 * HOUR, 30 * HOUR) : rng.int(HOUR, 20 * HOUR));
    add(STATUS.processing, processing, paid ? 1 : 0, paid ? say('Ödemeniz alındı, siparişiniz hazırlanıyor.', 'Payment received; your order is being prepared.') : '');
    const shipped = workingTime(addSeconds(processing, rng.int(8 * HOUR, 48 * HOUR)));
    const carrier = input.domestic ? rng.pick(CARRIERS) : rng.pick(['PTT Kargo', 'DHL Express']);
    const tracking = rng.digits(input.domestic ? 12 : 10);
    add(STATUS.shipped, shipped, 1, say(`Siparişiniz ${carrier} ile gönderildi. Takip no: ${tracking}`, `Shipped with ${carrier}. Tracking number: ${tracking}`));
    if (input.payment === 'cod' && rng.chance(0.06)) {
      add(STATUS.canceled, addSeconds(shipped, rng.int(3 * DAY, 7 * DAY)), 0, say('Alıcı teslim almadı, ürün iade geldi.', 'Refused on delivery and returned to us.'));
    } else {
      const delivered = addSeconds(shipped, rng.int(DAY, (input.domestic ? 5 : 12) * DAY));
      add(STATUS.complete, delivered, 0);
      if (rng.chance(0.02)) {
        add(STATUS.refunded, addSeconds(delivered, rng.int(3 * DAY, 14 * DAY)), 1, say('İade talebiniz onaylandı, ücret iadesi yapıldı.', 'Your return was accepted and the payment refunded.'));
      }
    }
  }
  // History written after "now" has not happened yet.
  return entries.filter((e) => e.at <= input.now);
}
