/** Stock reserved for marketplace orders awaiting payment, and the source the stock planner reads. */
export {
  reservedStock,
  freeQuantity,
  reservePackage,
  settlePackage,
  listReservations,
  RESERVATIONS,
  type ReservedStockSource,
  type ReservedQuantities,
  type ReservationTarget,
  type PackageReservation,
  type ReservationRow,
} from './reservations';
export { requestReplan } from '../pump/replan';
