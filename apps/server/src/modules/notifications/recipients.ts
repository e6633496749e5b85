import type { AppContext } from '../../platform/context.js';

/**
 * The recipient-lookup port: where the channels reach an account, and which accounts exist. The
 * identity module, which owns accounts, provides it when it registers; notifications never reads
 * accounts itself (and so never imports identity).
 */
export interface RecipientDirectory {
  contacts(
    ctx: AppContext,
    accountId: string,
  ): Promise<{ phone?: string; wechatOpenid?: string; alipayOpenid?: string }>;
  /** Ids of accounts after `afterId`, in id order (for broadcasts such as care messages). */
  accountIdsPage(ctx: AppContext, afterId: string | null, limit: number): Promise<string[]>;
  /** Which of these account ids exist. */
  accountIdsIn(ctx: AppContext, ids: string[]): Promise<string[]>;
}

let directory: RecipientDirectory | undefined;

export function provideRecipients(d: RecipientDirectory): void {
  directory = d;
}

export function recipients(): RecipientDirectory {
  if (!directory)
    throw new Error(
      'notifications: no recipient directory; the identity module provides it when it registers',
    );
  return directory;
}
