package dev.streetnum.train;

import dev.streetnum.data.Box;
import java.util.Random;

/**
 * The framings a localizer trains on (issue 14): a user sends a whole photo, framed by hand, not a
 * detector's crop. So a training view is the photo at its natural framing, or a random window that keeps
 * the whole number inside and sometimes reaches past the photo (border replicated), so the number's size
 * and place in the frame vary.
 */
final class LocalizerViews {

    private LocalizerViews() {
    }

    /**
     * A window of a {@code width x height} photo holding {@code number} (visible part, photo pixels): each
     * edge drawn uniformly between the number's edge and the photo's edge (or up to
     * {@code maxPadding} of the photo past it, for a padded view).
     */
    static Box window(int width, int height, Box number, LocalizerConfig config, Random random) {
        if (random.nextDouble() < config.naturalShare()) {
            return new Box(0, 0, width, height);
        }
        boolean padded = random.nextDouble() < config.paddedShare();
        double padX = padded ? config.maxPadding() * width : 0;
        double padY = padded ? config.maxPadding() * height : 0;
        int left = (int) Math.floor(number.left() - random.nextDouble() * (number.left() + padX));
        int right = (int) Math.ceil(number.right() + random.nextDouble() * (width + padX - number.right()));
        int top = (int) Math.floor(number.top() - random.nextDouble() * (number.top() + padY));
        int bottom = (int) Math.ceil(number.bottom() + random.nextDouble() * (height + padY - number.bottom()));
        return new Box(left, top, Math.max(1, right - left), Math.max(1, bottom - top));
    }

    /** {@code number} in the window's own pixel coordinates. */
    static Box inWindow(Box number, Box window) {
        return new Box(number.left() - window.left(), number.top() - window.top(), number.width(), number.height());
    }
}
