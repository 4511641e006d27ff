package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NumberCutTest {

    @Test
    void aCutsFileNameNamesItsPhotoAndBack() {
        assertEquals("train_7.cut-first-1.png", new NumberCut(true, 1).fileName("train_7.png"));
        assertEquals("train_7.cut-last-12.png", new NumberCut(false, 12).fileName("train_7.png"));
        assertEquals("photo.cut-last-2", new NumberCut(false, 2).fileName("photo"));
        assertEquals("a.b.cut-first-3.jpg", new NumberCut(true, 3).fileName("a.b.jpg"));
        for (String photo : new String[] {"train_7.png", "photo", "a.b.jpg", "x.cut-first-1.png"}) {
            for (NumberCut cut : NumberCut.all(4)) {
                assertEquals(Optional.of(photo), NumberCut.photoOf(cut.fileName(photo)), cut.fileName(photo));
            }
        }
    }

    @Test
    void aNameThatNamesNoCutHasNoPhoto() {
        for (String name : new String[] {"train_7.png", "train_7.cut-first-0.png", "train_7.cut-middle-1.png",
                "train_7.cut-first-.png", "cut-first-1.png"}) {
            assertEquals(Optional.empty(), NumberCut.photoOf(name), name);
        }
    }
}
