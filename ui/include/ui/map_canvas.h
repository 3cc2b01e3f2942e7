// MapCanvas: paints one image (a frame with its heatmap, or a grid) scaled to fit the widget
// with its aspect ratio kept, and maps the mouse back to image pixels: hover and click
// report positions in the image's own coordinates (video pixels for the viewer, grid
// pixels for the grids panel). UI thread only.
#pragma once
#include <QImage>
#include <QPoint>
#include <QRect>
#include <QWidget>

namespace wanattn {

class MapCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit MapCanvas(QWidget* parent = nullptr);

  void setImage(QImage image);
  const QImage& image() const { return image_; }
  // Where the image is drawn inside the widget, and widget <-> image coordinates
  // (std::nullopt-like: (-1, -1) outside the image).
  QRect imageRect() const;
  QPoint toImage(QPoint widget_pos) const;
  QPoint toWidget(QPoint image_pos) const;
  QSize sizeHint() const override { return {640, 400}; }

 Q_SIGNALS:
  void hovered(QPoint image_pos);  // (-1, -1) when the mouse leaves the image
  void clicked(QPoint image_pos, Qt::KeyboardModifiers modifiers);
  void resized(QSize size);

 protected:
  void paintEvent(QPaintEvent*) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent*) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  QImage image_;
};

}  // namespace wanattn
