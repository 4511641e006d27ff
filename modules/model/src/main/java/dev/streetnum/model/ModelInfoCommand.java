package dev.streetnum.model;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streetnum model-info}: each preset's size and cost, computed from its layer shapes. */
@Command(name = "model-info", mixinStandardHelpOptions = true,
        description = "Prints each network preset's parameter count and forward FLOPs per 54x54 image.")
public final class ModelInfoCommand implements Callable<Integer> {

    @Option(names = "--preset", description = "Only this preset (tiny, cpu, probe, paper).")
    String preset;

    @Override
    public Integer call() {
        List<Preset> presets = preset == null ? List.of(Preset.values()) : List.of(Preset.parse(preset));
        System.out.printf(Locale.ROOT, "%-8s %14s %16s%n", "preset", "parameters", "MFLOP/image");
        for (Preset p : presets) {
            System.out.printf(Locale.ROOT, "%-8s %,14d %,16.1f%n", p.name().toLowerCase(Locale.ROOT),
                    p.parameterCount(), p.forwardFlops() / 1e6);
        }
        return 0;
    }
}
