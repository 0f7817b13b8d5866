/** A problem in a data file, with the line it is on when there is one. */
export class DataFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DataFileError';
  }
}
