/**
 * A `<dialog>` that stands between a game-ending button and the request it makes: the action
 * runs only from the confirm button; Cancel, Escape or closing the dialog drop it unsent.
 */
export class Confirmation {
  private pending: (() => void) | undefined;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly text: HTMLElement,
    confirm: HTMLElement,
    cancel: HTMLElement,
  ) {
    confirm.addEventListener('click', () => {
      const action = this.pending;
      this.pending = undefined;
      dialog.close();
      action?.();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      this.pending = undefined;
    });
  }

  /** Opens the dialog saying `message`; `action` runs if, and only if, it is confirmed. */
  ask(message: string, action: () => void): void {
    this.text.textContent = message;
    this.pending = action;
    if (!this.dialog.open) this.dialog.showModal();
  }
}
