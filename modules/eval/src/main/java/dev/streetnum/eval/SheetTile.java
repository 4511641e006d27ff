package dev.streetnum.eval;

import java.awt.image.BufferedImage;

/** One cell of a contact sheet: the crop the model saw and what it made of it. */
public record SheetTile(BufferedImage crop, Prediction prediction) {

    public SheetTile {
        if (crop == null || prediction == null) {
            throw new IllegalArgumentException("a sheet tile needs a crop and a prediction");
        }
    }
}
