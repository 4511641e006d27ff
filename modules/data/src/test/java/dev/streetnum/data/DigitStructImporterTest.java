package dev.streetnum.data;

import static org.bytedeco.hdf5.global.hdf5.H5Dclose;
import static org.bytedeco.hdf5.global.hdf5.H5Dcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5Dwrite;
import static org.bytedeco.hdf5.global.hdf5.H5F_ACC_TRUNC;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Fcreate;
import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.bytedeco.hdf5.global.hdf5.H5Gcreate2;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5R_OBJECT;
import static org.bytedeco.hdf5.global.hdf5.H5Rcreate;
import static org.bytedeco.hdf5.global.hdf5.H5S_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5Sclose;
import static org.bytedeco.hdf5.global.hdf5.H5Screate_simple;
import static org.bytedeco.hdf5.global.hdf5.H5T_IEEE_F64LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_DOUBLE_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_NATIVE_USHORT_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_REF_OBJ_g;
import static org.bytedeco.hdf5.global.hdf5.H5T_STD_U16LE_g;
import static org.bytedeco.hdf5.global.hdf5.H5open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.CharPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitStructImporterTest {

    @TempDir
    Path dir;

    /** Writes a dataset of shape [n,1] (MATLAB's column layout) and returns an object reference to it. */
    private static long dataset(long file, String path, long fileType, long memType, Pointer data, int n) {
        long space = H5Screate_simple(2, new long[] {n, 1}, null);
        long ds = H5Dcreate2(file, path, fileType, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        assertTrue(ds >= 0, path);
        assertTrue(H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, path);
        H5Dclose(ds);
        H5Sclose(space);
        return reference(file, path);
    }

    private static long reference(long file, String path) {
        LongPointer ref = new LongPointer(1);
        assertTrue(H5Rcreate(ref, file, path, H5R_OBJECT, -1) >= 0, path);
        return ref.get(0);
    }

    private static long doubles(long file, String path, double... v) {
        return dataset(file, path, H5T_IEEE_F64LE_g(), H5T_NATIVE_DOUBLE_g(), new DoublePointer(v), v.length);
    }

    private static long references(long file, String path, long... refs) {
        return dataset(file, path, H5T_STD_REF_OBJ_g(), H5T_STD_REF_OBJ_g(), new LongPointer(refs), refs.length);
    }

    /** A digitStruct in MATLAB v7.3's layout: what MATLAB writes for a struct array with name and bbox. */
    private static void writeDigitStruct(Path mat, String[] names, double[][][] digits) {
        H5open();
        long file = H5Fcreate(mat.toString(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        H5Gclose(H5Gcreate2(file, "/#refs#", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Gclose(H5Gcreate2(file, "/digitStruct", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        String[] fields = {"label", "left", "top", "width", "height"};
        long[] nameRefs = new long[names.length];
        long[] boxRefs = new long[names.length];
        int counter = 0;
        for (int i = 0; i < names.length; i++) {
            nameRefs[i] = dataset(file, "/#refs#/n" + i, H5T_STD_U16LE_g(), H5T_NATIVE_USHORT_g(),
                    new CharPointer(names[i]).capacity(names[i].length()), names[i].length());
            String group = "/#refs#/b" + i;
            H5Gclose(H5Gcreate2(file, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
            for (int f = 0; f < fields.length; f++) {
                double[] values = new double[digits[i].length];
                for (int d = 0; d < values.length; d++) {
                    values[d] = digits[i][d][f];
                }
                if (values.length == 1) {
                    doubles(file, group + "/" + fields[f], values[0]);
                } else {
                    long[] refs = new long[values.length];
                    for (int d = 0; d < values.length; d++) {
                        refs[d] = doubles(file, "/#refs#/v" + counter++, values[d]);
                    }
                    references(file, group + "/" + fields[f], refs);
                }
            }
            boxRefs[i] = reference(file, group);
        }
        references(file, "/digitStruct/name", nameRefs);
        references(file, "/digitStruct/bbox", boxRefs);
        H5Fclose(file);
    }

    @Test
    void readsInlineAndReferencedFieldsAndMapsTenToZero() {
        Path mat = dir.resolve("digitStruct.mat");
        writeDigitStruct(mat, new String[] {"1.png", "22.png", "333.png"}, new double[][][] {
                {{5, 10, 20, 7, 15}},
                {{10, -2, 3, 8, 12}, {4, 7, 3, 9, 12}},
                {{1, 0, 0, 5, 9}, {10, 5, 0, 6, 9}, {3, 11, 1, 5, 9}}});
        List<AnnotatedImage> images = DigitStructImporter.read(mat);
        assertEquals(List.of(
                new AnnotatedImage(Path.of("1.png"), List.of(new DigitBox(5, new Box(10, 20, 7, 15)))),
                new AnnotatedImage(Path.of("22.png"), List.of(new DigitBox(0, new Box(-2, 3, 8, 12)),
                        new DigitBox(4, new Box(7, 3, 9, 12)))),
                new AnnotatedImage(Path.of("333.png"), List.of(new DigitBox(1, new Box(0, 0, 5, 9)),
                        new DigitBox(0, new Box(5, 0, 6, 9)), new DigitBox(3, new Box(11, 1, 5, 9))))), images);
    }

    @Test
    void notHdf5IsAClearError() throws Exception {
        Path bogus = Files.writeString(dir.resolve("digitStruct.mat"), "MATLAB 5.0 MAT-file");
        DataException e = assertThrows(DataException.class, () -> DigitStructImporter.read(bogus));
        assertTrue(e.getMessage().contains("not an HDF5 file"), e.getMessage());
        assertThrows(DataException.class, () -> DigitStructImporter.read(dir.resolve("absent.mat")));
    }

    @Test
    void realMatlabFileGivesTheIndependentlyReadCsv() throws Exception {
        Optional<Path> mat = TestData.shared("svhn-real/digitstruct-train/digitStruct.mat");
        assumeTrue(mat.isPresent(), "../shared/svhn-real is not beside this checkout");
        Path out = dir.resolve("labels.csv");
        AnnotatedDataset.write(out, DigitStructImporter.read(mat.get()));
        List<String> expected = Files.readAllLines(mat.get().resolveSibling("digitStruct.expected.csv"))
                .stream().map(String::strip).toList();
        assertEquals(expected, Files.readAllLines(out));
    }
}
