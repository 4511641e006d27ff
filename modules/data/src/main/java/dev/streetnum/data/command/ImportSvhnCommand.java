package dev.streetnum.data.command;

import dev.streetnum.data.AnnotatedDataset;
import dev.streetnum.data.AnnotatedImage;
import dev.streetnum.data.DigitStructImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum import-svhn}: SVHN's digitStruct.mat to this project's labels.csv. */
@Command(name = "import-svhn", mixinStandardHelpOptions = true,
        description = "Converts SVHN's digitStruct.mat (MATLAB v7.3/HDF5) to labels.csv (file,label,left,top,width,height).")
public final class ImportSvhnCommand implements Callable<Integer> {

    @Option(names = "--digitstruct", paramLabel = "FILE", required = true,
            description = "The digitStruct.mat of an SVHN split.")
    Path digitStruct;

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "The CSV to write, normally beside the split's images.")
    Path out;

    @Override
    public Integer call() {
        List<AnnotatedImage> images = DigitStructImporter.read(digitStruct);
        AnnotatedDataset.write(out, images);
        System.err.println("wrote " + images.size() + " images, "
                + images.stream().mapToInt(AnnotatedImage::length).sum() + " digits to " + out);
        return 0;
    }
}
