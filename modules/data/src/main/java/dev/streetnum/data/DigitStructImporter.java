package dev.streetnum.data;

import static org.bytedeco.hdf5.global.hdf5.H5Dclose;
import static org.bytedeco.hdf5.global.hdf5.H5Dget_space;
import static org.bytedeco.hdf5.global.hdf5.H5Dget_type;
import static org.bytedeco.hdf5.global.hdf5.H5Dopen2;
import static org.bytedeco.hdf5.global.hdf5.H5Dread;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_RDONLY;
import static org.bytedeco.hdf5.global.hdf5.H5E_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5Eset_auto2;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Fopen;
import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.bytedeco.hdf5.global.hdf5.H5Oclose;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5R_OBJECT;
import static org.bytedeco.hdf5.global.hdf5.H5Rdereference2;
import static org.bytedeco.hdf5.global.hdf5.H5S_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5Sclose;
import static org.bytedeco.hdf5.global.hdf5.H5Sget_simple_extent_npoints;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_DOUBLE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_USHORT_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_REFERENCE;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_REF_OBJ_g;
import static org.bytedeco.hdf5.global.hdf5.H5Tclose;
import static org.bytedeco.hdf5.global.hdf5.H5Tget_class;
import static org.bytedeco.hdf5.global.hdf5.H5open;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.CharPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Reads SVHN's "full numbers" annotation, {@code digitStruct.mat} (MATLAB v7.3, i.e. HDF5), into
 * {@link AnnotatedImage}s. {@code /digitStruct/name} and {@code /digitStruct/bbox} are arrays of object
 * references: a name points to a uint16 character array; a bbox to a group whose fields (height,
 * label, left, top, width) hold a 1x1 double for a one-digit number and an array of references, each
 * to a 1x1 double, for longer ones. Label 10 means the digit 0.
 */
public final class DigitStructImporter {

    /** digitStruct writes the digit 0 as label 10. */
    public static final int SVHN_ZERO = 10;
    private static final String[] FIELDS = {"label", "left", "top", "width", "height"};

    private DigitStructImporter() {
    }

    /** The annotated images, with file names as digitStruct gives them (relative, e.g. "1.png"). */
    public static List<AnnotatedImage> read(Path mat) {
        if (!Files.isRegularFile(mat)) {
            throw new DataException("digitStruct file not found: " + mat);
        }
        H5open();
        // Our own errors name the file and field; HDF5's diagnostic stack on stderr would only add noise.
        H5Eset_auto2(H5E_DEFAULT, null, null);
        long file = H5Fopen(mat.toString(), H5F_ACC_RDONLY, H5P_DEFAULT);
        if (file < 0) {
            throw new DataException(mat + ": not an HDF5 file (digitStruct.mat must be MATLAB v7.3)");
        }
        try {
            long[] names = readReferences(file, "/digitStruct/name", mat);
            long[] boxes = readReferences(file, "/digitStruct/bbox", mat);
            if (names.length != boxes.length) {
                throw new DataException(mat + ": " + names.length + " names but " + boxes.length + " bboxes");
            }
            List<AnnotatedImage> images = new ArrayList<>(names.length);
            for (int i = 0; i < names.length; i++) {
                String name = readName(file, names[i], mat, i);
                images.add(new AnnotatedImage(Path.of(name), readDigits(file, boxes[i], mat, name)));
            }
            return images;
        } finally {
            H5Fclose(file);
        }
    }

    private static long[] readReferences(long location, String path, Path mat) {
        long dataset = H5Dopen2(location, path, H5P_DEFAULT);
        if (dataset < 0) {
            throw new DataException(mat + ": no dataset " + path + " (is this SVHN's digitStruct.mat?)");
        }
        try {
            return references(dataset, mat, path);
        } finally {
            H5Dclose(dataset);
        }
    }

    private static long[] references(long dataset, Path mat, String what) {
        int n = (int) points(dataset);
        LongPointer refs = new LongPointer(n);
        if (H5Dread(dataset, H5T_STD_REF_OBJ_g(), H5S_ALL, H5S_ALL, H5P_DEFAULT, refs) < 0) {
            throw new DataException(mat + ": cannot read references of " + what);
        }
        long[] out = new long[n];
        refs.get(out);
        return out;
    }

    private static long points(long dataset) {
        long space = H5Dget_space(dataset);
        try {
            return H5Sget_simple_extent_npoints(space);
        } finally {
            H5Sclose(space);
        }
    }

    private static long dereference(long file, long reference, Path mat, String what) {
        LongPointer ref = new LongPointer(1);
        ref.put(reference);
        long object = H5Rdereference2(file, H5P_DEFAULT, H5R_OBJECT, ref);
        if (object < 0) {
            throw new DataException(mat + ": dangling reference in " + what);
        }
        return object;
    }

    private static String readName(long file, long reference, Path mat, int index) {
        long dataset = dereference(file, reference, mat, "name " + (index + 1));
        try {
            int n = (int) points(dataset);
            CharPointer chars = new CharPointer(n);
            if (H5Dread(dataset, H5T_NATIVE_USHORT_g(), H5S_ALL, H5S_ALL, H5P_DEFAULT, chars) < 0) {
                throw new DataException(mat + ": cannot read name " + (index + 1));
            }
            char[] c = new char[n];
            chars.get(c);
            return new String(c);
        } finally {
            H5Oclose(dataset);
        }
    }

    private static List<DigitBox> readDigits(long file, long reference, Path mat, String name) {
        long group = dereference(file, reference, mat, "bbox of " + name);
        try {
            double[][] values = new double[FIELDS.length][];
            for (int f = 0; f < FIELDS.length; f++) {
                values[f] = readField(file, group, FIELDS[f], mat, name);
                if (values[f].length != values[0].length) {
                    throw new DataException(mat + ": bbox of " + name + " has " + values[0].length + " labels but "
                            + values[f].length + " values of '" + FIELDS[f] + "'");
                }
            }
            List<DigitBox> digits = new ArrayList<>(values[0].length);
            for (int d = 0; d < values[0].length; d++) {
                int label = (int) Math.round(values[0][d]);
                try {
                    digits.add(new DigitBox(label == SVHN_ZERO ? 0 : label, new Box(
                            (int) Math.round(values[1][d]), (int) Math.round(values[2][d]),
                            (int) Math.round(values[3][d]), (int) Math.round(values[4][d]))));
                } catch (IllegalArgumentException e) {
                    throw new DataException(mat + ": digit " + (d + 1) + " of " + name + ": " + e.getMessage());
                }
            }
            return digits;
        } finally {
            H5Gclose(group);
        }
    }

    /** A field's values: inline doubles (one digit) or references each to a 1x1 double (several). */
    private static double[] readField(long file, long group, String field, Path mat, String name) {
        long dataset = H5Dopen2(group, field, H5P_DEFAULT);
        if (dataset < 0) {
            throw new DataException(mat + ": bbox of " + name + " lacks field '" + field + "'");
        }
        try {
            long type = H5Dget_type(dataset);
            int typeClass = H5Tget_class(type);
            H5Tclose(type);
            if (typeClass == H5T_REFERENCE) {
                long[] refs = references(dataset, mat, field + " of " + name);
                double[] out = new double[refs.length];
                for (int i = 0; i < refs.length; i++) {
                    long scalar = dereference(file, refs[i], mat, field + " of " + name);
                    try {
                        out[i] = readDoubles(scalar, mat, field, name)[0];
                    } finally {
                        H5Oclose(scalar);
                    }
                }
                return out;
            }
            return readDoubles(dataset, mat, field, name);
        } finally {
            H5Dclose(dataset);
        }
    }

    private static double[] readDoubles(long dataset, Path mat, String field, String name) {
        int n = (int) points(dataset);
        DoublePointer values = new DoublePointer(n);
        if (H5Dread(dataset, H5T_NATIVE_DOUBLE_g(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0) {
            throw new DataException(mat + ": cannot read '" + field + "' of " + name);
        }
        double[] out = new double[n];
        values.get(out);
        return out;
    }
}
