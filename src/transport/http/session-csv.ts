import { stringify } from 'csv-stringify/sync';
import type { SessionExport } from '../../contract/index.js';

// A cell starting with = + - @ would run as a formula in a spreadsheet: escaped with a quote.
const table = (columns: string[], rows: unknown[][]) => stringify(rows, { header: true, escape_formulas: true, columns });

/**
 * A session as CSV for a spreadsheet: its transactions, its final leaderboard (bonuses and
 * adjustments in it) and its corrections, three tables each with a header line, an empty line
 * between them.
 */
export function sessionCsv(record: SessionExport): string {
  const transactions = table(
    ['timestamp', 'id', 'teamId', 'tokenId', 'scannerId', 'status', 'points', 'rejectionReason', 'voidedAt', 'voidReason'],
    record.transactions.map((t) => [t.timestamp, t.id, t.teamId, t.tokenId, t.scannerId, t.status, t.points, t.rejectionReason ?? '', t.voided?.at ?? '', t.voided?.reason ?? '']),
  );
  const leaderboard = table(
    ['rank', 'teamId', 'name', 'score', 'tokensScanned', 'bonusPoints', 'adjustmentPoints', 'completedGroups'],
    record.scores.map((s, index) => [index + 1, s.teamId, s.name, s.currentScore, s.tokensScanned, s.bonusPoints, s.adjustmentPoints, s.completedGroups.join('; ')]),
  );
  const corrections = table(
    ['at', 'kind', 'by', 'reason', 'transactionId', 'teamId', 'points', 'newTransactionId', 'name'],
    record.corrections.map((c) => [
      c.at,
      c.kind,
      c.by,
      c.reason ?? '',
      c.transactionId ?? '',
      c.teamId ?? '',
      c.points ?? c.adjustSeconds ?? '',
      c.newTransactionId ?? '',
      c.name ?? (c.plannedMinutes === undefined ? '' : `planned ${c.plannedMinutes ?? 'none'} min`),
    ]),
  );
  return [transactions, leaderboard, corrections].join('\n');
}
