package dev.scratchnet.cli;

import dev.scratchnet.io.ModelFile;
import dev.scratchnet.nn.Network;
import dev.scratchnet.train.Ensemble;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Several {@code --model} files loaded as one ensemble: they must take the same input and name the same classes. */
final class Models {

    private Models() {
    }

    static List<ModelFile.Model> load(List<Path> files) {
        List<ModelFile.Model> models = new ArrayList<>();
        for (Path file : files) {
            ModelFile.Model m = ModelFile.load(file);
            if (!models.isEmpty()) {
                ModelFile.Model first = models.get(0);
                if (!m.network().architecture().input().equals(first.network().architecture().input())
                        || m.network().outputSize() != first.network().outputSize()) {
                    throw new IllegalArgumentException(file + " takes " + m.network().architecture().input() + " inputs with "
                            + m.network().outputSize() + " outputs but " + files.get(0) + " takes "
                            + first.network().architecture().input() + " with " + first.network().outputSize()
                            + "; an ensemble's models must take the same input and output");
                }
                if (!m.info().classNames().equals(first.info().classNames())) {
                    throw new IllegalArgumentException(file + " names the classes " + m.info().classNames() + " but "
                            + files.get(0) + " names " + first.info().classNames()
                            + "; an ensemble's models must name the same classes");
                }
            }
            models.add(m);
        }
        return models;
    }

    static Ensemble ensemble(List<ModelFile.Model> models) {
        return new Ensemble(models.stream().map(ModelFile.Model::network).toList());
    }

    static List<Network> networks(List<ModelFile.Model> models) {
        return models.stream().map(ModelFile.Model::network).toList();
    }
}
