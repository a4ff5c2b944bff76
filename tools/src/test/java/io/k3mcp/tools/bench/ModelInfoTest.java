package io.k3mcp.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k3mcp.engine.synthetic.SyntheticType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bench's file-type names agree with the synthetic types' llama-bench labels (both llama_model_ftype_name). */
class ModelInfoTest {

    @ParameterizedTest
    @EnumSource(SyntheticType.class)
    void everySyntheticFileTypeHasLlamaCppsName(SyntheticType type) {
        assertEquals(type.label, ModelInfo.ftypeName(type.fileType));
    }
}
