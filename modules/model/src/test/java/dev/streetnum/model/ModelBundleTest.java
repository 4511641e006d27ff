package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.DataException;
import dev.streetnum.data.PreprocessConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelBundleTest {

    @TempDir
    Path dir;

    private static INDArray input(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, 3, 3, 54, 54).subi(0.5);
    }

    @Test
    void roundTripGivesIdenticalOutputsAndMetadata() {
        ModelBundle bundle = TestBundles.tiny(2);
        bundle = bundle.withMetadata(bundle.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.73))
                .withMetrics(Map.of("val_sequence_accuracy", 0.5)));
        Path file = dir.resolve("sub/model.bundle");
        bundle.save(file);
        ModelBundle loaded = ModelBundle.load(file);

        assertEquals(bundle.metadata(), loaded.metadata());
        INDArray x = input(1);
        INDArray[] before = bundle.network().output(false, x);
        INDArray[] after = loaded.network().output(false, x);
        for (int h = 0; h < before.length; h++) {
            assertEquals(before[h], after[h], StreetNumberNetwork.OUTPUTS[h]);
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Saving to a symbolic link (evaluate --write-threshold on a linked bundle) writes its target. */
    @Test
    void savingThroughASymbolicLinkWritesItsTargetAndKeepsTheLink() throws IOException {
        ModelBundle bundle = TestBundles.tiny(2);
        Path real = Files.createDirectories(dir.resolve("kept")).resolve("real.bundle");
        bundle.save(real);
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("linked")).resolve("model.bundle"),
                Path.of("..", "kept", "real.bundle"));

        bundle.withMetadata(bundle.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.7))).save(link);

        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals(Path.of("..", "kept", "real.bundle"), Files.readSymbolicLink(link));
        assertEquals(0.7, ModelBundle.load(real).metadata().thresholds().at(TargetAccuracy.PAPER).getAsDouble());
        try (var left = Files.list(dir.resolve("linked"))) {
            assertEquals(java.util.List.of(link), left.toList(), "no temporary file beside the link");
        }
        try (var left = Files.list(real.getParent())) {
            assertEquals(java.util.List.of(real), left.toList(), "no temporary file left beside the target");
        }
    }

    @Test
    void attachmentsSurviveSavingAndNewMetadata() {
        byte[] int8 = {1, 2, 3, -4};
        ModelBundle bundle = TestBundles.tiny(2).withAttachment("int8.onnx", int8);
        Path file = dir.resolve("attached.bundle");
        bundle.withMetadata(bundle.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.6))).save(file);
        ModelBundle reloaded = ModelBundle.load(file);
        assertArrayEquals(int8, reloaded.attachment("int8.onnx").orElseThrow());
        assertEquals(0.6, reloaded.metadata().thresholds().at(TargetAccuracy.PAPER).getAsDouble());
        assertTrue(reloaded.attachment("other").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> bundle.withAttachment(ModelBundle.NETWORK_ENTRY, int8));
    }

    @Test
    void checkpointCarriesTheOptimiserState() throws IOException {
        ModelBundle bundle = TestBundles.tiny(3);
        bundle.network().fit(SequenceBatch.of(input(2), java.util.List.of("1", "22", "333")));
        INDArray state = bundle.network().getUpdater().getStateViewArray().dup();
        Path file = dir.resolve("checkpoint.bundle");
        bundle.save(file, true);
        ModelBundle loaded = ModelBundle.load(file);
        assertEquals(state, loaded.network().getUpdater().getStateViewArray());
        assertTrue(Files.size(file) > Files.size(TestBundles.tinyBundleFile(dir)) , "state makes it bigger");
    }

    @Test
    void truncatedFileIsAClearError() throws IOException {
        Path good = TestBundles.tinyBundleFile(dir);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.bundle");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void nonBundlesAreClearErrors() throws IOException {
        Path text = dir.resolve("notes.bundle");
        Files.writeString(text, "not a zip at all");
        DataException e1 = assertThrows(DataException.class, () -> ModelBundle.load(text));
        assertTrue(e1.getMessage().contains(text.toString()) && e1.getMessage().contains("not a model bundle"),
                e1.getMessage());

        Path zip = dir.resolve("other.zip");
        writeZip(zip, "readme.txt", "hello");
        DataException e2 = assertThrows(DataException.class, () -> ModelBundle.load(zip));
        assertTrue(e2.getMessage().contains(zip.toString()) && e2.getMessage().contains("metadata.json"),
                e2.getMessage());

        Path missing = dir.resolve("nowhere.bundle");
        DataException e3 = assertThrows(DataException.class, () -> ModelBundle.load(missing));
        assertTrue(e3.getMessage().contains("not found") && e3.getMessage().contains(missing.toString()),
                e3.getMessage());
    }

    /** compare-cuts reads a bundle's thresholds this way: what load would give, and load's errors, without the networks. */
    @Test
    void metadataAloneIsTheLoadedBundlesAndFailsAsLoadDoes() throws IOException {
        Path pair = dir.resolve("pair.bundle");
        ModelBundle joined = Ensemble.join(java.util.List.of(TestBundles.tiny(5), TestBundles.tiny(6)), "pair", 2, 1);
        joined.withMetadata(joined.metadata().withThresholds(Thresholds.NONE.with(TargetAccuracy.PAPER, 0.7)
                .asNoBox().with(TargetAccuracy.PAPER, 0.4))).save(pair);
        BundleMetadata alone = ModelBundle.metadataOf(pair);
        assertEquals(ModelBundle.load(pair).metadata(), alone);
        assertEquals(0.7, alone.thresholds().atNoBox(TargetAccuracy.PAPER).orElseThrow(), 0);
        assertEquals(1, alone.boxMembers());

        Path text = dir.resolve("notes.bundle");
        Files.writeString(text, "not a zip at all");
        Path zip = dir.resolve("other.zip");
        writeZip(zip, "metadata.json", "{}");
        Path missing = dir.resolve("nowhere.bundle");
        for (Path bad : java.util.List.of(text, zip, missing)) {
            DataException loading = assertThrows(DataException.class, () -> ModelBundle.load(bad));
            DataException reading = assertThrows(DataException.class, () -> ModelBundle.metadataOf(bad));
            assertEquals(loading.getMessage(), reading.getMessage(), bad.toString());
        }
    }

    @Test
    void anotherNormalisationIsRefusedByName() throws IOException {
        Path other = withMetadata(TestBundles.tinyBundleFile(dir), "other-norm.bundle",
                meta -> meta.replace(BundleMetadata.PER_IMAGE_MEAN, "imagenet-mean-std"));
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(other));
        assertTrue(e.getMessage().contains(other.toString()) && e.getMessage().contains("'imagenet-mean-std'")
                && e.getMessage().contains(BundleMetadata.PER_IMAGE_MEAN), e.getMessage());
    }

    /** A copy of {@code good} whose metadata.json went through {@code edit}. */
    private Path withMetadata(Path good, String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path copy = dir.resolve(name);
        try (var in = new java.util.zip.ZipFile(good.toFile());
             OutputStream out = Files.newOutputStream(copy);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            String meta = edit.apply(new String(in.getInputStream(in.getEntry(ModelBundle.METADATA_ENTRY)).readAllBytes(),
                    StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(ModelBundle.METADATA_ENTRY));
            zip.write(meta.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(ModelBundle.NETWORK_ENTRY));
            try (InputStream net = in.getInputStream(in.getEntry(ModelBundle.NETWORK_ENTRY))) {
                net.transferTo(zip);
            }
        }
        return copy;
    }

    @Test
    void unknownFormatVersionIsAClearError() throws IOException {
        Path good = TestBundles.tinyBundleFile(dir);
        Path future = dir.resolve("future.bundle");
        try (var in = new java.util.zip.ZipFile(good.toFile());
             OutputStream out = Files.newOutputStream(future);
             ZipOutputStream zip = new ZipOutputStream(out)) {
            String meta = new String(in.getInputStream(in.getEntry(ModelBundle.METADATA_ENTRY)).readAllBytes(),
                    StandardCharsets.UTF_8).replaceFirst("\"formatVersion\"\\s*:\\s*1", "\"formatVersion\" : 99");
            zip.putNextEntry(new ZipEntry(ModelBundle.METADATA_ENTRY));
            zip.write(meta.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(ModelBundle.NETWORK_ENTRY));
            try (InputStream net = in.getInputStream(in.getEntry(ModelBundle.NETWORK_ENTRY))) {
                net.transferTo(zip);
            }
        }
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(future));
        assertTrue(e.getMessage().contains(future.toString()) && e.getMessage().contains("format 99"), e.getMessage());
    }

    @Test
    void metadataRejectsMissingEssentials() {
        assertThrows(IllegalArgumentException.class, () -> BundleMetadata.create(" ", Preset.TINY,
                PreprocessConfig.DEFAULT, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> BundleMetadata.create("id", Preset.TINY, null, Map.of()));
    }

    /**
     * A bundle frozen from format 1 (written by {@link FrozenBundleWriter}): it must keep loading and
     * predicting what it predicted then, so format changes are noticed.
     */
    @Test
    void frozenFormat1BundleStillLoadsAndPredictsTheSame() throws IOException {
        Path frozen = dir.resolve("frozen.bundle");
        try (InputStream in = getClass().getResourceAsStream(FrozenBundleWriter.RESOURCE)) {
            Files.copy(in, frozen);
        }
        ModelBundle bundle = ModelBundle.load(frozen);
        assertEquals(1, bundle.metadata().formatVersion());
        assertEquals(Preset.TINY, bundle.metadata().presetValue());
        assertEquals(PreprocessConfig.DEFAULT, bundle.metadata().preprocess());
        double[] expected = FrozenBundleWriter.expectedLengthProbabilities(bundle.metadata());
        double[] actual = bundle.network().output(false, FrozenBundleWriter.probeInput())[0].toDoubleVector();
        assertArrayEquals(expected, actual, 1e-6);
        assertEquals(java.util.Map.of("0.98", 0.5), bundle.metadata().thresholds().byKey(),
                "thresholds stored as format 1 wrote them read back the same");
    }

    @Test
    void anIncompleteEnsembleMemberIsAnErrorNamingWhatIsMissing() throws IOException {
        Path whole = dir.resolve("pair.bundle");
        Ensemble.join(java.util.List.of(TestBundles.tiny(2), TestBundles.tiny(3)), "pair").save(whole);
        assertEquals(1, ModelBundle.load(whole).partners().size());

        Path half = dir.resolve("half.bundle");
        copyWithout(whole, half, "member-2.zip", null);
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(half));
        assertTrue(e.getMessage().contains("ensemble member 2 is incomplete") && e.getMessage().contains("member-2.zip"),
                e.getMessage());

        Path gap = dir.resolve("gap.bundle");
        copyWithout(whole, gap, "member-2.json", "member-3.json");
        e = assertThrows(DataException.class, () -> ModelBundle.load(gap));
        assertTrue(e.getMessage().contains("lacks member-2.json"), e.getMessage());
    }

    /**
     * Counts that break the per-path rule are refused on load as a bad file, named, whether the bundle's
     * metadata.json or a partner's member-2.json says them (the metadata alone no longer refuses 0).
     */
    @Test
    void pathCountsThatBreakTheRuleAreAnErrorNamingTheFile() throws IOException {
        Path whole = dir.resolve("pair-counts.bundle");
        Ensemble.join(java.util.List.of(TestBundles.tiny(2), TestBundles.tiny(3)), "pair").save(whole);

        Path three = dir.resolve("three-no-box.bundle");
        copyEdited(whole, three, ModelBundle.METADATA_ENTRY, meta -> meta.replaceFirst("\\{", "{ \"noBoxMembers\" : 3,"));
        DataException e = assertThrows(DataException.class, () -> ModelBundle.load(three));
        assertEquals(three + ": model pair reads a photo sent without a box with its first 3 networks, but it has 2",
                e.getMessage());

        Path zero = dir.resolve("zero-box-member.bundle");
        copyEdited(whole, zero, "member-2.json", meta -> meta.replaceFirst("\\{", "{ \"boxMembers\" : 0,"));
        e = assertThrows(DataException.class, () -> ModelBundle.load(zero));
        assertEquals(zero + ": member-2.json: model tiny-test-3 reads a caller's box with 0 networks, but at least 1"
                + " of its 1 network must read there", e.getMessage());
    }

    /** A copy of a bundle whose entry {@code entry} went through {@code edit}. */
    private static void copyEdited(Path from, Path to, String entry, java.util.function.UnaryOperator<String> edit)
            throws IOException {
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(from.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    byte[] bytes = data.readAllBytes();
                    out.write(e.getName().equals(entry)
                            ? edit.apply(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)
                            : bytes);
                }
                out.closeEntry();
            }
        }
    }

    /** A copy of a bundle without one entry, optionally renamed to {@code renamed} instead of dropped. */
    private static void copyWithout(Path from, Path to, String entry, String renamed) throws IOException {
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(from.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals(entry) && renamed == null) {
                    continue;
                }
                out.putNextEntry(new ZipEntry(e.getName().equals(entry) ? renamed : e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private static void writeZip(Path file, String entry, String text) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
