/** Heartbeats per flow and account, the silence monitor, and the alerts it raises. */
export { recordHeartbeat, listHeartbeats, FLOWS, HEARTBEATS, type Flow, type Heartbeat } from './heartbeats';
export { raiseAlert, resolveAlert, listAlerts, ALERTS, type Alert } from './alerts';
export { checkHeartbeats, HEARTBEAT_ALERT, type HeartbeatExpectation, type FlowState, type MonitorReport } from './monitor';
