package dev.streetnum.serve;

/**
 * An encoded image's format and size, read from its header without decoding, so that a decompression
 * bomb (a small file declaring a huge canvas) is refused before any pixel memory is allocated.
 *
 * <p>Written here because the data module's decoder has no header-only reader yet; only PNG and JPEG,
 * the two formats the service accepts.
 */
public record ImageHeader(String format, long width, long height) {

    public static final String PNG = "png";
    public static final String JPEG = "jpeg";

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Signature, IHDR length and type, then width and height: 8 + 4 + 4 + 4 + 4. */
    private static final int PNG_HEADER_BYTES = 24;

    public long pixels() {
        return width * height;
    }

    /**
     * Reads the header.
     *
     * @param source names the bytes in errors ("request body", "images[3]")
     * @throws ServiceError 400 when the bytes are not a PNG or JPEG with a readable size
     */
    public static ImageHeader read(byte[] bytes, String source) {
        if (bytes.length >= PNG_SIGNATURE.length && startsWith(bytes, PNG_SIGNATURE)) {
            return readPng(bytes, source);
        }
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
            return readJpeg(bytes, source);
        }
        throw ServiceError.badRequest(source + " is not a PNG or JPEG image (" + bytes.length
                + " bytes, no PNG or JPEG signature)");
    }

    private static ImageHeader readPng(byte[] b, String source) {
        if (b.length < PNG_HEADER_BYTES || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw ServiceError.badRequest(source + " is a truncated PNG: no IHDR chunk with its size");
        }
        return sized(PNG, uint32(b, 16), uint32(b, 20), source);
    }

    private static ImageHeader readJpeg(byte[] b, String source) {
        int i = 2;
        while (i + 1 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                throw ServiceError.badRequest(source + " is a corrupt JPEG: expected a marker at byte " + i);
            }
            int marker = b[i + 1] & 0xff;
            i++;
            if (marker == 0xff) {
                continue; // fill byte before a marker
            }
            i++;
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
                continue; // stand-alone markers carry no length
            }
            if (marker == 0xd9 || marker == 0xda) {
                break; // end of image or start of scan before any frame header
            }
            if (i + 1 >= b.length) {
                break;
            }
            int length = uint16(b, i);
            boolean frameHeader = marker >= 0xc0 && marker <= 0xcf
                    && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frameHeader) {
                // length(2), precision(1), height(2), width(2)
                if (i + 7 > b.length) {
                    break;
                }
                return sized(JPEG, uint16(b, i + 5), uint16(b, i + 3), source);
            }
            i += length;
        }
        throw ServiceError.badRequest(source + " is a truncated or corrupt JPEG: no frame header with its size");
    }

    private static ImageHeader sized(String format, long width, long height, String source) {
        if (width <= 0 || height <= 0) {
            throw ServiceError.badRequest(source + " declares an empty " + width + "x" + height + " image");
        }
        return new ImageHeader(format, width, height);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long uint32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8)
                | (b[at + 3] & 0xff);
    }

    private static int uint16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
