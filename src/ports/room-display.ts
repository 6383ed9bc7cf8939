import type { RoomView } from '../contract/index.js';

/** A screen the room sees between clips (the TV's OSD, `/scoreboard` pages): it draws the view it is given. */
export interface RoomDisplay {
  showRoom(view: RoomView): void;
}
