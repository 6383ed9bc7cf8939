import type { Correction, Team, TeamScore, Transaction, Voided } from '../contract/index.js';
import type { StoredCorrection } from '../ports/store.js';
import { ScoreBoard } from './score-board.js';
import { TeamRoster } from './team-roster.js';
import { TokenCatalog } from './token-catalog.js';

/** The domain's reason for a scan refused while the session is paused: judged anew once resumed. */
export const PAUSED_REASON = 'session is paused';

const RECENT_KEPT = 200;

/**
 * What one session's log adds up to: its teams, the scores, which transaction holds each token,
 * which submissions were already answered, the latest transactions. Built by replaying the log
 * (teams, transactions and corrections in the order they were made) and kept current by
 * applying each new record after it is stored. No I/O: the game decides and writes, this counts.
 */
export class SessionLedger {
  readonly roster: TeamRoster;
  private readonly board: ScoreBoard;
  /** token key → the standing accepted transaction that holds it. */
  private readonly claimed = new Map<string, Transaction>();
  /** id → standing accepted transaction (the ones a correction can void). */
  private readonly standing = new Map<string, Transaction>();
  /** id → how a transaction was voided. */
  private readonly voids = new Map<string, Voided>();
  /** token key → (scanner, team) → the first answer to that submission since the token was last freed. */
  private readonly submissions = new Map<string, Map<string, Transaction>>();
  private recent: Transaction[] = [];
  private counts = { transactions: 0, accepted: 0 };

  constructor(catalog: TokenCatalog, maxTeams: number) {
    this.board = new ScoreBoard(catalog);
    this.roster = new TeamRoster(maxTeams);
  }

  /**
   * A session rebuilt from its log. `onTransaction` sees each transaction as it stands at the
   * end (voided or not, with the group it completed), for an export.
   */
  static replay(
    catalog: TokenCatalog,
    maxTeams: number,
    log: { teams: readonly Team[]; transactions: readonly Transaction[]; corrections: readonly StoredCorrection[] },
  ): { ledger: SessionLedger; transactions: Transaction[] } {
    const ledger = new SessionLedger(catalog, maxTeams);
    for (const team of log.teams) ledger.addTeam(team);
    const replayed: Transaction[] = [];
    const indexById = new Map<string, number>();
    let next = 0;
    const applyCorrectionsUpTo = (position: number) => {
      while (next < log.corrections.length && (log.corrections[next]?.position ?? 0) <= position) {
        const correction = log.corrections[next] as StoredCorrection;
        const voided = ledger.correct(correction);
        const index = voided ? indexById.get(voided.id) : undefined;
        if (voided && index !== undefined) replayed[index] = voided;
        next += 1;
      }
    };
    log.transactions.forEach((transaction, position) => {
      applyCorrectionsUpTo(position);
      indexById.set(transaction.id, replayed.length);
      replayed.push(ledger.record(transaction));
    });
    applyCorrectionsUpTo(Number.POSITIVE_INFINITY);
    return { ledger, transactions: replayed };
  }

  get transactionCount(): number {
    return this.counts.transactions;
  }

  get acceptedCount(): number {
    return this.counts.accepted;
  }

  addTeam(team: Team): void {
    this.roster.add(team);
    this.board.addTeam(team.teamId, team.name, team.createdAt);
  }

  /**
   * Takes a recorded transaction into the session and answers it as it stands, with the group it
   * completed. A scan for a team not registered yet registers it when it is accepted or a
   * duplicate (a log from before teams were kept).
   */
  record(transaction: Transaction): Transaction {
    if (transaction.status !== 'rejected' && !this.roster.find(transaction.teamId)) {
      this.addTeam({ teamId: transaction.teamId, name: transaction.teamId, createdAt: transaction.timestamp });
    }
    const groupCompleted = this.board.apply(transaction);
    const recorded = groupCompleted ? { ...transaction, groupCompleted } : transaction;
    const tokenKey = TokenCatalog.keyOf(transaction.tokenId);
    if (transaction.status === 'accepted' && !this.claimed.has(tokenKey)) {
      this.claimed.set(tokenKey, recorded);
      this.standing.set(transaction.id, recorded);
    }
    // A rejection for a paused session is not final: the same scan is judged anew once resumed.
    if (transaction.rejectionReason !== PAUSED_REASON) {
      let answered = this.submissions.get(tokenKey);
      if (!answered) this.submissions.set(tokenKey, (answered = new Map<string, Transaction>()));
      const key = submissionKey(transaction.scannerId, transaction.teamId);
      if (!answered.has(key)) answered.set(key, recorded);
    }
    this.recent.push(recorded);
    if (this.recent.length > RECENT_KEPT * 2) this.recent = this.recent.slice(-RECENT_KEPT);
    this.counts.transactions += 1;
    if (transaction.status === 'accepted') this.counts.accepted += 1;
    return recorded;
  }

  /**
   * Applies a stored correction; answers the transaction it voided, as voided. A voided
   * transaction's token is free again: a new scan of it is judged afresh, for any team.
   */
  correct(correction: Correction): Transaction | undefined {
    switch (correction.kind) {
      case 'void':
      case 'reassign':
        return this.void(correction);
      case 'adjust':
        if (correction.teamId !== undefined) this.board.adjust(correction.teamId, correction.points ?? 0, correction.at);
        return undefined;
      case 'rename': {
        const renamed = correction.teamId === undefined ? undefined : this.roster.rename(correction.teamId, correction.name ?? '');
        if (renamed && !('refused' in renamed)) this.board.rename(renamed.teamId, renamed.name);
        return undefined;
      }
      case 'clock':
        return undefined;
    }
  }

  /** The earlier answer to the same submission (scanner, token, team), if it still stands. */
  previousAnswer(scannerId: string, tokenId: string, teamId: string): Transaction | undefined {
    return this.submissions.get(TokenCatalog.keyOf(tokenId))?.get(submissionKey(scannerId, teamId));
  }

  /** The standing accepted transaction that holds a token. */
  holderOf(tokenId: string): Transaction | undefined {
    return this.claimed.get(TokenCatalog.keyOf(tokenId));
  }

  /** A transaction a correction may void: accepted and not voided. */
  standingTransaction(id: string): Transaction | undefined {
    return this.standing.get(id);
  }

  voidOf(id: string): Voided | undefined {
    return this.voids.get(id);
  }

  teams(): Team[] {
    return this.roster.list();
  }

  scores(): TeamScore[] {
    return this.board.scores();
  }

  score(teamId: string): TeamScore | undefined {
    return this.board.score(teamId);
  }

  /** The latest transactions, oldest first. */
  latest(limit: number): Transaction[] {
    return this.recent.slice(-limit);
  }

  private void(correction: Correction): Transaction | undefined {
    const transaction = correction.transactionId === undefined ? undefined : this.standing.get(correction.transactionId);
    if (!transaction) return undefined;
    const voided: Voided = { at: correction.at, reason: correction.reason ?? '', by: correction.by };
    const tokenKey = TokenCatalog.keyOf(transaction.tokenId);
    this.standing.delete(transaction.id);
    this.voids.set(transaction.id, voided);
    if (this.claimed.get(tokenKey)?.id === transaction.id) this.claimed.delete(tokenKey);
    this.submissions.delete(tokenKey);
    this.board.remove(transaction, correction.at);
    const index = this.recent.findIndex((entry) => entry.id === transaction.id);
    const current = index >= 0 ? this.recent[index] : undefined;
    const result: Transaction = { ...(current ?? transaction), voided };
    if (index >= 0) this.recent[index] = result;
    return result;
  }
}

function submissionKey(scannerId: string, teamId: string): string {
  return `${scannerId}\u0000${teamId}`;
}
