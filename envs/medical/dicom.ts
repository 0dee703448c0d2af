import dicomParser from 'dicom-parser';
import { FormatError } from '../../core/errors.js';
import type { Samples } from '../../tools/image/samples.js';
import type { Calibration, DisplayWindow } from '../../tools/image/window.js';

/**
 * DICOM images through the `dicom-parser` library (no DICOM parsing here): uncompressed transfer
 * syntaxes (implicit and explicit VR little endian, explicit VR big endian, deflated explicit
 * little endian), grey (MONOCHROME2) or RGB, 8 or 16 bits, signed or not, with the rescale slope
 * and intercept and the file's window centre and width. Compressed syntaxes are refused by name.
 */

/** Transfer syntaxes whose pixel data is read directly, with their names. */
export const UNCOMPRESSED_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
};

/** Compressed transfer syntaxes, by UID, for error messages. */
export const COMPRESSED_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, Selection Value 1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Lossy (Near-Lossless)',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 Image Compression',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** A decoded DICOM image: its tags of interest and stored pixel values as written in the file. */
export interface DicomImage {
  readonly transferSyntax: string;
  /** The transfer syntax's name, e.g. `Explicit VR Little Endian`. */
  readonly transferSyntaxName: string;
  readonly modality: string | undefined;
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: 1 | 3;
  readonly bitsAllocated: 8 | 16;
  readonly bitsStored: number;
  readonly signed: boolean;
  readonly photometric: string;
  readonly slope: number;
  readonly intercept: number;
  /** The file's first window (0028,1050/1051), when it has one. */
  readonly window: DisplayWindow | undefined;
  /** Stored values (signed where the file says so), rows top to bottom, channels interleaved. */
  readonly stored: Int32Array;
}

/** True when the bytes look like a DICOM Part 10 file (`DICM` at offset 128). */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Decodes a DICOM file's pixel data and the tags that calibrate and window it. */
export function decodeDicom(bytes: Uint8Array, file = '<dicom>'): DicomImage {
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FormatError(`${file} is not a readable DICOM file: ${reason}`, { file }, error);
  }
  const syntax = (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim();
  const syntaxName = UNCOMPRESSED_SYNTAXES[syntax];
  if (syntaxName === undefined) {
    const name = COMPRESSED_SYNTAXES[syntax] ?? 'an unknown transfer syntax';
    throw new FormatError(
      `${file} uses the compressed transfer syntax ${name} (${syntax}), which dicom-parser cannot decode; ` +
        'convert it to an uncompressed syntax first (e.g. `gdcmconv --raw in.dcm out.dcm` or `dcmdjpeg`).',
      { file },
    );
  }
  const rows = need(dataSet.uint16('x00280010'), 'Rows (0028,0010)', file);
  const columns = need(dataSet.uint16('x00280011'), 'Columns (0028,0011)', file);
  const samplesPerPixel = dataSet.uint16('x00280002') ?? 1;
  const bitsAllocated = need(dataSet.uint16('x00280100'), 'Bits Allocated (0028,0100)', file);
  const bitsStored = dataSet.uint16('x00280101') ?? bitsAllocated;
  const signed = (dataSet.uint16('x00280103') ?? 0) === 1;
  const photometric = (dataSet.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).trim();
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw new FormatError(`${file} has ${samplesPerPixel} samples per pixel; only grey (1) and RGB (3) are supported.`, { file });
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new FormatError(`${file} has ${bitsAllocated} bits allocated per sample; only 8 and 16 are supported.`, { file });
  }
  if (samplesPerPixel === 1 && photometric !== 'MONOCHROME2') {
    throw new FormatError(
      `${file} has photometric interpretation ${photometric}; grey images must be MONOCHROME2 (invert MONOCHROME1 images first).`,
      { file },
    );
  }
  const pixels = dataSet.elements.x7fe00010;
  if (pixels === undefined) throw new FormatError(`${file} has no Pixel Data (7FE0,0010).`, { file });
  const count = rows * columns * samplesPerPixel;
  const bytesPer = bitsAllocated / 8;
  if (pixels.length < count * bytesPer) {
    throw new FormatError(
      `${file} has ${pixels.length} bytes of pixel data; ${rows}x${columns}x${samplesPerPixel} needs ${count * bytesPer}.`,
      {
        file,
      },
    );
  }
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + pixels.dataOffset, count * bytesPer);
  const littleEndian = syntax !== '1.2.840.10008.1.2.2';
  const planar = samplesPerPixel === 3 && (dataSet.uint16('x00280006') ?? 0) === 1;
  const stored = new Int32Array(count);
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  for (let index = 0; index < count; index += 1) {
    let value = bytesPer === 2 ? view.getUint16(index * 2, littleEndian) : view.getUint8(index);
    value &= mask;
    if (signed && value >= signBit) value -= 2 ** bitsStored;
    const target = planar ? (index % (rows * columns)) * 3 + Math.floor(index / (rows * columns)) : index;
    stored[target] = value;
  }
  const center = dataSet.floatString('x00281050', 0);
  const width = dataSet.floatString('x00281051', 0);
  return {
    transferSyntax: syntax,
    transferSyntaxName: syntaxName,
    modality: dataSet.string('x00080060')?.trim(),
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    signed,
    photometric,
    slope: dataSet.floatString('x00281053') ?? 1,
    intercept: dataSet.floatString('x00281052') ?? 0,
    window: center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1 ? { center, width } : undefined,
    stored,
  };
}

/** Units of a modality: Hounsfield units for CT, plain values otherwise. */
function unitOf(modality: string | undefined): string {
  return modality === 'CT' ? 'HU' : 'intensity';
}

/**
 * The samples, calibration and default window of a decoded DICOM image. Signed values are shifted
 * into 0..65535 and the intercept adjusted, so units are unchanged; the default window is the
 * file's, else the full range of the values.
 */
export function dicomSamples(image: DicomImage): { samples: Samples; calibration: Calibration; window: DisplayWindow } {
  const shift = image.signed ? 2 ** 15 : 0;
  const bits: 8 | 16 = image.bitsAllocated === 8 && !image.signed ? 8 : 16;
  const data = new Uint16Array(image.stored.length);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < data.length; index += 1) {
    const value = image.stored[index] as number;
    data[index] = value + shift;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const calibration: Calibration = {
    slope: image.slope,
    intercept: image.intercept - shift * image.slope,
    unit: image.samplesPerPixel === 3 ? 'grey level' : unitOf(image.modality),
  };
  const low = Math.min(min * image.slope, max * image.slope) + image.intercept;
  const high = Math.max(min * image.slope, max * image.slope) + image.intercept;
  const window = image.window ?? { center: (low + high) / 2, width: Math.max(1, high - low + 1) };
  return { samples: { data, width: image.columns, height: image.rows, channels: image.samplesPerPixel, bits }, calibration, window };
}

function need(value: number | undefined, what: string, file: string): number {
  if (value === undefined) throw new FormatError(`${file} lacks ${what}.`, { file });
  return value;
}
