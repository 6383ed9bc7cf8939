/** The media folder. */
export interface MediaLibrary {
  /**
   * The absolute path of a file named by a token, guaranteed inside the media folder (no
   * `..`, no absolute path, no symlink leading out); throws INVALID_DATA otherwise.
   */
  resolve(name: string): string;
}
