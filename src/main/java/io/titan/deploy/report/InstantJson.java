package io.titan.deploy.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 (de)serialisation of {@link Instant}s, attached to the report records' components.
 *
 * <p>jackson-datatype-jsr310 is not on the classpath, and plain Jackson refuses {@code Instant}.
 * Annotating the components (rather than registering a module on one mapper) keeps the records
 * serialisable by any {@code ObjectMapper}, including ones other packages create.
 */
final class InstantJson {

    private InstantJson() {
    }

    /** Writes an {@code Instant} as {@link Instant#toString()}, e.g. {@code 2026-11-26T03:12:04.210Z}. */
    static final class Serializer extends StdScalarSerializer<Instant> {
        private static final long serialVersionUID = 1L;

        Serializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            gen.writeString(value.toString());
        }
    }

    /** Reads an ISO-8601 instant; anything else fails with a message naming the field. */
    static final class Deserializer extends StdScalarDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getText().trim();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text,
                        "expected an ISO-8601 instant such as 2026-11-26T03:12:04.210Z");
            }
        }
    }
}
