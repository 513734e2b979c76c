/** Status out: shipped + tracking number from OpenCart to the marketplace. */
export { createStatusOutPlanner, handleStatusOut, sendPending, shippablePackages, STATUS_OUT_JOB, type StatusOutEnv, type StatusOutResult } from './status-out';
export { shipOrder, shipInputSchema, ShipError, type ShipInput } from './ship';
export { parseTracking, trackingComment, type ParsedTracking } from './tracking';
export { addAcks, addShipments, shipmentsOf, shipmentsOfOrder, groupsWithPending, SHIPMENTS, type PackageAction, type ShipmentRow } from './shipments';
export { acknowledges, queueAcks, ackObsolete } from './ack';
