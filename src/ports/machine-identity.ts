/** The machine's own names and addresses, read when asked (they change as interfaces come up). */
export interface MachineIdentity {
  hostname(): string;
  addresses(): string[];
}
